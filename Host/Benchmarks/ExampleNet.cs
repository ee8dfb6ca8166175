namespace QSparse.Host.Benchmarks;

/// <summary>
/// The example networks' shapes whose training step <c>qsparse bench --networks</c> times and profiles (built
/// from the library's layers here, so the bench does not depend on the model classes of Nn/Models).
/// </summary>
public enum ExampleNet
{
    /// <summary>A CIFAR ResNet-20 (3 stages of 3 basic blocks, 16/32/64 channels) at batch 32, 3×32×32, SGD.</summary>
    ResNet20,

    /// <summary>ESPCN ×2 (conv 5×5, tanh, conv 3×3, tanh, conv 3×3, pixel shuffle) from 1×14×14 to 28×28 at batch 64, Adam.</summary>
    Espcn,

    /// <summary>The pix2pix U-Net generator (5 downs, 64 filters, batch norm, dropout) at 1×32×32, batch 8, Adam.</summary>
    Unet,

    /// <summary>A MobileNetV2 stem and four inverted-residual blocks (depthwise convs, ReLU6) at batch 32, 3×32×32, SGD.</summary>
    MobileNetV2,
}
