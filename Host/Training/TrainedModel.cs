namespace QSparse.Host.Training;

/// <summary>A network rebuilt from a <c>qsparse train</c> checkpoint, for eval, inspect and verify-int.</summary>
public static class TrainedModel
{
    /// <summary>Builds the network the checkpoint's configuration describes and loads its state (not the optimizer's).</summary>
    public static (Module Model, NetworkConfig Config) Load(Device device, string path)
    {
        var config = NetworkConfig.Read(path);
        var model = SeedNetwork.Create(device, config, new Generator(0));
        SeedNetwork.MatchCheckpoint(model, SafeTensors.Read(path).Keys);
        Checkpoint.Load(path, model);
        return (model, config);
    }
}
