namespace QSparse.Host.Training;

/// <summary>A <c>qsparse train</c> checkpoint (or a state dict PyTorch wrote) read once: its entries serve the configuration, the structure check and the load.</summary>
/// <param name="Path">The file, named in errors.</param>
/// <param name="Entries">Every entry, under its full key.</param>
public sealed record CheckpointFile(string Path, Dictionary<string, HostTensor> Entries)
{
    /// <summary>What the command line says about a state dict without "extra.config.*" entries (<see cref="NetworkInference"/>).</summary>
    public NetworkHints Hints { get; init; } = NetworkHints.None;

    /// <summary>
    /// Reads the file at <paramref name="path"/>; a missing one is an error naming it, and so are <paramref name="hints"/>
    /// given for a checkpoint that records its configuration (they would be ignored).
    /// </summary>
    public static CheckpointFile Read(string path, NetworkHints? hints = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such checkpoint", path);
        var file = new CheckpointFile(path, SafeTensors.Read(path)) { Hints = hints ?? NetworkHints.None };
        if (NetworkInference.Recorded(file.Entries) && file.Hints.Given().FirstOrDefault() is { } flag)
            throw new ArgumentException($"{flag}: {path} records its configuration (extra.config.*); the flag is for a state dict without it");
        return file;
    }

    /// <summary>The network configuration the checkpoint records, or, for a state dict that records none, the one its keys show.</summary>
    public NetworkConfig Config => NetworkInference.Recorded(Entries)
        ? NetworkConfig.FromCheckpoint(Entries, Path)
        : NetworkInference.Infer(Entries, Path, Hints);

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
