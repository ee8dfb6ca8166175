namespace QSparse.Host.Training;

/// <summary>
/// What <c>--model</c> builds (Nn/Models) for a <see cref="NetworkConfig"/>, the task each network is trained for,
/// the image size it takes and where the layer table finds each activation operator's layer.
/// </summary>
public static class ModelCatalog
{
    /// <summary>The task <paramref name="model"/> is trained for.</summary>
    public static TaskKind TaskOf(ModelKind model) => model switch
    {
        ModelKind.Espcn => TaskKind.SuperResolution,
        ModelKind.Pix2pix => TaskKind.Pix2pix,
        _ => TaskKind.Classification,
    };

    /// <summary>An error unless <paramref name="model"/> is trained for <paramref name="task"/>.</summary>
    public static void CheckTask(ModelKind model, TaskKind task)
    {
        if (task != TaskOf(model))
            throw new ArgumentException($"--model {TrainOptions.Spell(model)} is trained for --task {TrainOptions.Spell(TaskOf(model))}, not {TrainOptions.Spell(task)}");
    }

    /// <summary>
    /// The network of <paramref name="config"/>, its weights initialised from <paramref name="generator"/> (which its dropout
    /// layers also draw from); for pix2pix a <see cref="Pix2pixNetworks"/>.
    /// </summary>
    public static Module Create(Device device, NetworkConfig config, Generator generator)
    {
        if (config.FuseBn && !config.Quantizes)
            throw new ArgumentException("--fuse-bn folds BatchNorm when quantization starts: it needs --mode quantize or quantize+prune");
        CheckTask(config.Model, config.Task);
        var plan = BatchNormFolding.Plan(config);
        return config.Model switch
        {
            ModelKind.Mnist when config.Channels != 1 || config.Classes != 10 => throw new ArgumentException(
                $"--model mnist takes 1-channel 28x28 images of 10 classes, the data has {config.Channels} channels and {config.Classes} classes"),
            ModelKind.Mnist => new MnistNet(device, generator, plan),
            ModelKind.Resnet20 => ResNet.ResNet20(device, generator, plan, config.Channels, config.Classes),
            ModelKind.Resnet18 => ResNet.ResNet18(device, generator, plan, config.Channels, config.Classes),
            ModelKind.Mobilenetv2 => new MobileNetV2(device, generator, plan, config.Channels, config.Classes),
            ModelKind.Espcn => new Espcn(device, generator, plan, config.Scale, config.Channels),
            // NOTE: the generator's weights are drawn first, then the discriminator's, from the one stream (pix2pix_model.py builds netG, then netD).
            _ => new Pix2pixNetworks(new UnetGenerator(device, generator, plan, config.Channels, config.Channels),
                new PatchDiscriminator(device, generator, plan, 2 * config.Channels)),
        };
    }

    /// <summary>
    /// The side of the square images <paramref name="model"/> takes (for super-resolution: the high-resolution target, a
    /// multiple of <paramref name="scale"/>): Fashion-MNIST's 28×28 images are padded or cropped to it.
    /// </summary>
    public static int ImageSize(ModelKind model, int scale) => model switch
    {
        ModelKind.Mnist => 28,
        ModelKind.Espcn => 28 / scale * scale,
        _ => 32,
    };

    /// <summary>The part of <paramref name="network"/> that --fuse-bn folds and quantizers watch: pix2pix's generator, else the whole network.</summary>
    public static Module FoldedPart(Module network) => network is Pix2pixNetworks pair ? pair.NetG : network;

    /// <summary>
    /// Which network layer each activation QSPARSE layer acts on the output of (path → layer), for the layer table; a
    /// network whose QSPARSE layers are named after their layers needs none (an unmapped activation operator is a row of its own).
    /// </summary>
    public static IReadOnlyDictionary<string, string> OutputOf(ModelKind model) => model switch
    {
        ModelKind.Mnist => MnistNet.OutputOf,
        ModelKind.Resnet20 or ModelKind.Resnet18 => ResNet.OutputOf,
        ModelKind.Mobilenetv2 => MobileNetV2.OutputOf,
        ModelKind.Espcn => Espcn.OutputOf,
        // UnetGenerator names its QSPARSE layers after their paths (no table): each is a row of its own.
        _ => new Dictionary<string, string>(),
    };
}
