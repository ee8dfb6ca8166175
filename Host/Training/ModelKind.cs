namespace QSparse.Host.Training;

/// <summary>
/// The networks <c>qsparse train --model</c> builds (Nn/Models). NOTE: checkpoints record the value as an integer,
/// so new kinds go at the end. The names are spelled as on the command line (<see cref="TrainOptions.Spell"/>).
/// </summary>
public enum ModelKind
{
    /// <summary>The seed's MNIST network (<see cref="MnistNet"/>), log-probabilities.</summary>
    Mnist,

    /// <summary>ResNet-20 for 32×32 images (the CIFAR example), logits.</summary>
    Resnet20,

    /// <summary>ResNet-18 for 32×32 images, logits.</summary>
    Resnet18,

    /// <summary>ESPCN super-resolution ×2 or ×3.</summary>
    Espcn,

    /// <summary>pix2pix: a U-Net generator and a PatchGAN discriminator.</summary>
    Pix2pix,

    /// <summary>MobileNetV2 for 32×32 images (the CIFAR example), logits.</summary>
    Mobilenetv2,
}
