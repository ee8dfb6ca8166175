namespace QSparse.Host.Benchmarks;

/// <summary>The networks of <see cref="ExampleNet"/> (the models of Nn/Models), their batches and losses.</summary>
static class ExampleNetworks
{
    /// <summary>
    /// Quantize+prune of weights and activations on the seed's schedule in steps (SPEC.md §11, E = 1, window 8):
    /// weights quantized at step 2, activations at 3, pruned at 5, 6 and 7, so every operator is active after
    /// <see cref="SeedStepBench.ActiveAfter"/> steps.
    /// </summary>
    static readonly QsparsePlan QuantizePrune = new(Quantize: true, PruneWeights: true, PruneFeatures: true, QuantizeFirst: true, Window: 8, StepsPerEpoch: 1);

    /// <summary>The network, in full precision or with <see cref="QuantizePrune"/>.</summary>
    public static Module Create(ExampleNet net, Device device, Generator generator, bool qsparse)
    {
        var plan = qsparse ? QuantizePrune : null;
        return net switch
        {
            ExampleNet.ResNet20 => ResNet.ResNet20(device, generator, plan),
            ExampleNet.Espcn => new Espcn(device, generator, plan),
            ExampleNet.Unet => new UnetGenerator(device, generator, plan),
            ExampleNet.MobileNetV2 => new MobileNetV2(device, generator, plan),
            _ => throw new ArgumentOutOfRangeException(nameof(net), net, null),
        };
    }

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
}
