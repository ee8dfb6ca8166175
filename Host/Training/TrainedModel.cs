namespace QSparse.Host.Training;

/// <summary>A network rebuilt from a <c>qsparse train</c> checkpoint, for eval, inspect and verify-int.</summary>
public static class TrainedModel
{
    /// <summary>
    /// Builds the network the checkpoint's configuration describes and loads its state (not the optimizer's). For
    /// pix2pix it is the <see cref="Pix2pixNetworks"/>, whose forward runs the generator.
    /// </summary>
    public static (Module Model, NetworkConfig Config) Load(Device device, CheckpointFile checkpoint)
    {
        var config = checkpoint.Config;
        var model = ModelCatalog.Create(device, config, new Generator(0));
        checkpoint.LoadInto(model);
        return (model, config);
    }

    /// <summary><see cref="Load(Device, CheckpointFile)"/> from the file at <paramref name="path"/>, read once.</summary>
    public static (Module Model, NetworkConfig Config) Load(Device device, string path) => Load(device, CheckpointFile.Read(path));
}
