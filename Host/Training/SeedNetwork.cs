namespace QSparse.Host.Training;

/// <summary>Builds the seed's MNIST network (SPEC.md §11) for a <see cref="NetworkConfig"/>.</summary>
public static class SeedNetwork
{
    /// <summary>The network, its weights initialised from <paramref name="generator"/>, which its dropout layers also draw from.</summary>
    public static Module Create(Device device, NetworkConfig config, Generator generator)
    {
        if (config.Mode != TrainMode.Float || config.FuseBn)
            throw new InvalidOperationException(
                $"--mode {TrainOptions.Spell(config.Mode)}{(config.FuseBn ? " --fuse-bn" : "")} needs the QSPARSE operators, which this build does not have yet: use --mode float");
        return new MnistNet(device, generator);
    }
}
