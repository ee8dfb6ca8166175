using QSparse.Host.Training;

namespace QSparse.Host.Export;

/// <summary>
/// <c>--format torch-state-dict</c>: the model's state dict alone, under its PyTorch/QSPARSE keys, in a safetensors file
/// that the module of docs/pytorch.md loads with PyTorch's strict <c>load_state_dict</c>. A train checkpoint also holds the
/// optimizer's state ("optimizer.*") and the run's ("extra.*": epoch, step, configuration, collection windows), for which a
/// PyTorch module has no key; those are left out. A folded BatchNorm has no entries (the fold replaced it with Identity, as
/// QSPARSE's <c>fuse_bn</c> deletes it): the PyTorch module builds Identity where the file has no BatchNorm entries.
/// </summary>
public static class TorchStateDict
{
    /// <summary>The entries of <paramref name="file"/> that are the model's state dict, in the file's order.</summary>
    public static List<KeyValuePair<string, HostTensor>> Entries(CheckpointFile file) =>
        file.Entries.Where(kv => !kv.Key.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal)
                                 && !kv.Key.StartsWith(Checkpoint.ExtraPrefix, StringComparison.Ordinal)).ToList();

    /// <summary>Writes <paramref name="stateDict"/> to <paramref name="path"/> (atomically), with safetensors.torch's metadata <c>format: pt</c>.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, HostTensor>> stateDict, string path) =>
        SafeTensors.Write(path, stateDict, new Dictionary<string, string> { ["format"] = "pt" });

    /// <summary>Writes <paramref name="model"/>'s state dict to <paramref name="path"/>: what a library user trained, for PyTorch.</summary>
    public static void Save(Module model, string path) =>
        Save(model.StateDict().Select(kv => KeyValuePair.Create(kv.Key, HostTensor.From(kv.Value))), path);

    /// <summary>Writes the model state of the checkpoint <paramref name="file"/> to <paramref name="path"/> and prints what it wrote and what it left out.</summary>
    public static int Export(CheckpointFile file, string path)
    {
        var entries = Entries(file);
        Save(entries, path);
        bool folded = file.Config.FuseBn && !entries.Any(kv => kv.Key.EndsWith(".running_mean", StringComparison.Ordinal));
        Console.WriteLine($"{path}: torch-state-dict, {new FileInfo(path).Length} bytes, {entries.Count} tensors of the model's state dict "
                          + $"({file.Entries.Count - entries.Count} optimizer.* and extra.* entries left out)"
                          + (folded ? "; BatchNorm folded: no BatchNorm entries, build Identity there (docs/pytorch.md)" : ""));
        return 0;
    }
}
