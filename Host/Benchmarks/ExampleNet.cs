namespace QSparse.Host.Benchmarks;

/// <summary>
/// The example networks (Nn/Models) whose training step <c>qsparse bench --networks</c> times and profiles.
/// </summary>
public enum ExampleNet
{
    /// <summary><see cref="ResNet.ResNet20"/> at batch 32, 3×32×32, SGD.</summary>
    ResNet20,

    /// <summary><see cref="Nn.Espcn"/> ×2 from 1×14×14 to 28×28 at batch 64, Adam.</summary>
    Espcn,

    /// <summary>The pix2pix <see cref="UnetGenerator"/> (5 downs, 64 filters, batch norm) at 1×32×32, batch 8, Adam.</summary>
    Unet,

    /// <summary><see cref="Nn.MobileNetV2"/> (the CIFAR example's) at batch 32, 3×32×32, SGD.</summary>
    MobileNetV2,
}
