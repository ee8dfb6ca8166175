namespace QSparse.Host.Training;

/// <summary>Builds the seed's MNIST network (SPEC.md §11, <see cref="MnistNet"/>) for a <see cref="NetworkConfig"/>.</summary>
public static class SeedNetwork
{
    /// <summary>The network, its weights initialised from <paramref name="generator"/>, which its dropout layers also draw from.</summary>
    public static MnistNet Create(Device device, NetworkConfig config, Generator generator)
    {
        if (config.FuseBn && !config.Quantizes)
            throw new ArgumentException("--fuse-bn folds BatchNorm when quantization starts: it needs --mode quantize or quantize+prune");
        return new MnistNet(device, generator, config.NetworkOptions);
    }

    /// <summary>
    /// Gives <paramref name="model"/> the structure of the checkpoint whose keys are <paramref name="stateKeys"/>:
    /// a --fuse-bn run saved after the fold has no BatchNorm entries, so the fresh network is folded too
    /// (loading the state then overwrites every folded weight and bias).
    /// </summary>
    public static void MatchCheckpoint(MnistNet model, IEnumerable<string> stateKeys)
    {
        if (!stateKeys.Contains("bn1.running_mean"))
            model.FoldBatchNorm();
    }
}
