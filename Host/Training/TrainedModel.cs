namespace QSparse.Host.Training;

/// <summary>A network rebuilt from a <c>qsparse train</c> checkpoint, for eval, inspect and verify-int.</summary>
public static class TrainedModel
{
    /// <summary>
    /// Builds the network the checkpoint's configuration describes and loads its state (not the optimizer's). For
    /// pix2pix it is the <see cref="Pix2pixNetworks"/>, whose forward runs the generator. The QSPARSE layers built on the
    /// way do not log their creation (QSparseOptions.LogOnCreated): they are the checkpoint's, announced when it was trained.
    /// </summary>
    public static (Module Model, NetworkConfig Config) Load(Device device, CheckpointFile checkpoint)
    {
        var config = checkpoint.Config;
        bool logOnCreated = QSparseOptions.LogOnCreated;
        QSparseOptions.LogOnCreated = false;
        try
        {
            var model = ModelCatalog.Create(device, config, new Generator(0));
            checkpoint.LoadInto(model);
            return (model, config);
        }
        finally
        {
            QSparseOptions.LogOnCreated = logOnCreated;
        }
    }

    /// <summary><see cref="Load(Device, CheckpointFile)"/> from the file at <paramref name="path"/>, read once.</summary>
    public static (Module Model, NetworkConfig Config) Load(Device device, string path) => Load(device, CheckpointFile.Read(path));
}
