namespace QSparse.Host.Training;

/// <summary>A <c>qsparse train</c> checkpoint read once: its entries serve the configuration, the structure check and the load.</summary>
/// <param name="Path">The file, named in errors.</param>
/// <param name="Entries">Every entry, under its full key.</param>
public sealed record CheckpointFile(string Path, Dictionary<string, HostTensor> Entries)
{
    /// <summary>Reads the file at <paramref name="path"/>; a missing one is an error naming it.</summary>
    public static CheckpointFile Read(string path) => File.Exists(path)
        ? new(path, SafeTensors.Read(path))
        : throw new FileNotFoundException($"{path}: no such checkpoint", path);

    /// <summary>The network configuration the checkpoint records.</summary>
    public NetworkConfig Config => NetworkConfig.FromCheckpoint(Entries, Path);

    /// <summary>
    /// Gives <paramref name="model"/> the checkpoint's structure (<see cref="BatchNormFolding.MatchCheckpoint"/>), then
    /// loads its state and <paramref name="optimizer"/>'s; returns the extras.
    /// </summary>
    public Dictionary<string, HostTensor> LoadInto(Module model, Optimizer? optimizer = null)
    {
        BatchNormFolding.MatchCheckpoint(model, ModelCatalog.FoldedPart(model), Entries.Keys.ToHashSet(), optimizer);
        return Checkpoint.Load(Entries, Path, model, optimizer);
    }
}
