using static QSparse.Nn.QSparseOps;

namespace QSparse.Host.Benchmarks;

/// <summary>The networks of <see cref="ExampleNet"/>, their batches and losses, and the QSPARSE conversion the bench applies.</summary>
static class ExampleNetworks
{
    /// <summary>The network in full precision.</summary>
    public static Module Create(ExampleNet net, Device device, Generator generator) => net switch
    {
        ExampleNet.ResNet20 => ResNet20(device),
        ExampleNet.Espcn => new Sequential(
            new Conv2d(1, 64, 5, padding: 2, device: device), new Tanh(device), new Conv2d(64, 32, 3, padding: 1, device: device),
            new Tanh(device), new Conv2d(32, 4, 3, padding: 1, device: device), new PixelShuffle(2, device)),
        ExampleNet.Unet => Unet(device, generator),
        ExampleNet.MobileNetV2 => new Sequential(
            new Conv2d(3, 32, 3, padding: 1, bias: false, device: device), new BatchNorm2d(32, device: device), new ReLU6(device),
            new InvertedResidual(32, 16, 1, 1, device), new InvertedResidual(16, 24, 1, 6, device), new InvertedResidual(24, 24, 1, 6, device),
            new InvertedResidual(24, 32, 2, 6, device), new Conv2d(32, 128, 1, bias: false, device: device), new BatchNorm2d(128, device: device),
            new ReLU6(device), new AdaptiveAvgPool2d(1, device), new Flatten(device: device), new Linear(128, 10, device: device)),
        _ => throw new ArgumentOutOfRangeException(nameof(net), net, null),
    };

    /// <summary>The batch's input shape.</summary>
    public static int[] Input(ExampleNet net) => net switch
    {
        ExampleNet.Espcn => [64, 1, 14, 14],
        ExampleNet.Unet => [8, 1, 32, 32],
        _ => [32, 3, 32, 32],
    };

    /// <summary>A fixed target for the batch: class labels for the classifiers, an image of the output's shape for the others.</summary>
    public static Tensor Target(ExampleNet net, Device device, Generator generator) => net switch
    {
        ExampleNet.Espcn => Tensor.Rand(device, [64, 1, 28, 28], generator),
        ExampleNet.Unet => Tensor.Rand(device, [8, 1, 32, 32], generator, -1, 1),
        _ => Tensor.FromArray(device, Enumerable.Range(0, 32).Select(i => (long)(i % 10)).ToArray(), 32),
    };

    /// <summary>The training loss: cross-entropy for the classifiers, MSE for ESPCN, L1 for pix2pix's generator.</summary>
    public static Tensor Loss(ExampleNet net, Tensor output, Tensor target) => net switch
    {
        ExampleNet.Espcn => Functional.MseLoss(output, target),
        ExampleNet.Unet => Functional.L1Loss(output, target),
        _ => Functional.CrossEntropy(output, target),
    };

    /// <summary>The examples' optimizers: SGD with momentum for CIFAR, Adam for super-resolution and pix2pix.</summary>
    public static Optimizer Optimizer(ExampleNet net, Module model) => net is ExampleNet.ResNet20 or ExampleNet.MobileNetV2
        ? new SGD(model.Parameters(), lr: 0.01, momentum: 0.9, weightDecay: 5e-4)
        : new Adam(model.Parameters(), lr: 2e-4, betas: (0.5, 0.999));

    /// <summary>
    /// Quantize+prune as the examples convert their networks, on the seed's schedule in steps (SPEC.md §11, E = 1):
    /// the convolutions' weights but the first pruned from step 4 every step for 3 events, the activations after
    /// every nonlinearity pruned too; every convolution's and linear layer's weight quantized at step 2; the input
    /// and the activations at step 3.
    /// </summary>
    public static Module Convert(ExampleNet net, Module model, Device device)
    {
        Type[] weights = [typeof(ConvBase), typeof(Linear)];
        Type[] activations = net switch
        {
            ExampleNet.Espcn => [typeof(Tanh)],
            ExampleNet.Unet => [typeof(LeakyReLU), typeof(ReLU)],
            ExampleNet.MobileNetV2 => [typeof(ReLU6)],
            _ => [typeof(ReLU)],
        };
        model = QSparseOps.Convert(model, m => m is null
                ? Prune(sparsity: 0.5, start: 4, interval: 1, repetition: 3, windowSize: 8, device: device)
                : Prune(m, sparsity: 0.5, start: 4, interval: 1, repetition: 3, windowSize: 8),
            weightLayers: [typeof(ConvBase)], activationLayers: activations, excludedWeights: [(typeof(ConvBase), [0])]);
        model = QSparseOps.Convert(model, m => Quantize(m!, bits: 8, timeout: 2), weightLayers: weights);
        return QSparseOps.Convert(model, _ => Quantize(bits: 8, timeout: 3, channelwise: -1, windowSize: 8, device: device),
            activationLayers: activations, input: true);
    }

    static Sequential ResNet20(Device device)
    {
        var layers = new List<Module>
        {
            new Conv2d(3, 16, 3, padding: 1, bias: false, device: device), new BatchNorm2d(16, device: device), new ReLU(device),
        };
        int cin = 16;
        foreach (int cout in new[] { 16, 32, 64 })
            for (int block = 0; block < 3; block++)
            {
                layers.Add(new ResidualBlock(cin, cout, block == 0 && cout != 16 ? 2 : 1, device));
                cin = cout;
            }
        layers.AddRange([new AdaptiveAvgPool2d(1, device), new Flatten(device: device), new Linear(64, 10, device: device)]);
        return new Sequential([.. layers]);
    }

    /// <summary>pix2pix's unet_32 layout for 5 downs and 64 filters; dropout in the 512-channel block (pix2pix puts it in the blocks beyond 5 downs).</summary>
    static UnetSkipBlock Unet(Device device, Generator generator)
    {
        const int f = 64;
        var block = new UnetSkipBlock(8 * f, 8 * f, 8 * f, null, outermost: false, dropout: false, device, generator);
        block = new UnetSkipBlock(4 * f, 8 * f, 4 * f, block, outermost: false, dropout: true, device, generator);
        block = new UnetSkipBlock(2 * f, 4 * f, 2 * f, block, outermost: false, dropout: false, device, generator);
        block = new UnetSkipBlock(f, 2 * f, f, block, outermost: false, dropout: false, device, generator);
        return new UnetSkipBlock(1, f, 1, block, outermost: true, dropout: false, device, generator);
    }
}
