namespace QSparse.Host.Training;

/// <summary>Builds the seed's MNIST network (SPEC.md §11) for a <see cref="NetworkConfig"/>.</summary>
public static class SeedNetwork
{
    /// <summary>The network, its weights initialised from <paramref name="generator"/>, which its dropout layers also draw from.</summary>
    public static Module Create(Device device, NetworkConfig config, Generator generator)
    {
        if (config.FuseBn)
            throw new InvalidOperationException("--fuse-bn is not implemented yet: leave it out");
        return config.Mode == TrainMode.Float ? new MnistNet(device, generator) : new QsparseMnistNet(device, config, generator);
    }
}
