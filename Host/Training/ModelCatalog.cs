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

    /// <summary>True for the networks built here today (the others arrive with Nn/Models).</summary>
    public static bool Available(ModelKind model) => model is ModelKind.Mnist;

    /// <summary>
    /// The network of <paramref name="config"/>, its weights initialised from <paramref name="generator"/> (which its dropout
    /// layers also draw from); for pix2pix a <see cref="Pix2pixNetworks"/>.
    /// </summary>
    public static Module Create(Device device, NetworkConfig config, Generator generator)
    {
        if (config.FuseBn && !config.Quantizes)
            throw new ArgumentException("--fuse-bn folds BatchNorm when quantization starts: it needs --mode quantize or quantize+prune");
        if (config.Task != TaskOf(config.Model))
            throw new ArgumentException($"--model {TrainOptions.Spell(config.Model)} is trained for --task {TrainOptions.Spell(TaskOf(config.Model))}, not {TrainOptions.Spell(config.Task)}");
        return config.Model switch
        {
            ModelKind.Mnist when config.Channels != 1 || config.Classes != 10 => throw new ArgumentException(
                $"--model mnist takes 1-channel 28x28 images of 10 classes, the data has {config.Channels} channels and {config.Classes} classes"),
            ModelKind.Mnist => new MnistNet(device, generator, config.NetworkOptions),
            _ => throw new ArgumentException($"--model {TrainOptions.Spell(config.Model)} is not built in this version (expected one of: {string.Join(", ", Enum.GetValues<ModelKind>().Where(Available).Select(TrainOptions.Spell))})"),
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
        _ => new Dictionary<string, string>(),
    };
}
