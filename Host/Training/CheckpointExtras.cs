namespace QSparse.Host.Training;

/// <summary>
/// What a <c>qsparse train</c> checkpoint keeps among its extras: int64 scalars (epoch, step, configuration, ...)
/// and the QSPARSE layers' collection windows, "window.&lt;layer path&gt;.&lt;i&gt;" oldest first.
/// </summary>
public static class CheckpointExtras
{
    const string WindowPrefix = "window.";

    /// <summary>An extra entry holding <paramref name="value"/> as an int64 scalar.</summary>
    public static KeyValuePair<string, HostTensor> Int64(string name, long value) =>
        KeyValuePair.Create(name, new HostTensor(DType.Int64, [], BitConverter.GetBytes(value)));

    /// <summary>
    /// The integer scalar <paramref name="name"/>, int64 as written here or int32 (<c>torch.int</c>, as a PyTorch user may write
    /// it); absent, or of another type or shape, an error naming the checkpoint, the key and what it holds.
    /// </summary>
    public static long ReadInt64(IReadOnlyDictionary<string, HostTensor> extras, string name, string path)
    {
        string key = Checkpoint.ExtraPrefix + name;
        if (!extras.TryGetValue(name, out var t))
            throw new InvalidDataException($"{path}: no entry '{key}' (not a qsparse train checkpoint?)");
        return t switch
        {
            { DType: DType.Int64, Numel: 1 } => t.AsLongs()[0],
            { DType: DType.Int32, Numel: 1 } => t.AsInts()[0],
            _ => throw new InvalidDataException(
                $"{path}: '{key}' is {t.DType.TorchName()} [{string.Join(", ", t.Shape)}], not an integer scalar (int64 or int32)"),
        };
    }

    /// <summary>The windows of every QSPARSE layer of <paramref name="model"/>, one entry per collected tensor.</summary>
    public static IEnumerable<KeyValuePair<string, HostTensor>> Windows(Module model) =>
        from m in model.NamedModules()
        where m.Module is QSparseLayer
        from item in ((QSparseLayer)m.Module).Window.Select((t, i) => KeyValuePair.Create($"{WindowPrefix}{m.Name}.{i}", HostTensor.From(t)))
        select item;

    /// <summary>
    /// Gives every QSPARSE layer of <paramref name="model"/> the window <see cref="Windows"/> saved for it
    /// (an empty one when none was saved).
    /// </summary>
    public static void RestoreWindows(Module model, IReadOnlyDictionary<string, HostTensor> extras)
    {
        foreach (var (path, module) in model.NamedModules())
        {
            if (module is not QSparseLayer layer)
                continue;
            var items = new List<Tensor>();
            for (int i = 0; extras.TryGetValue($"{WindowPrefix}{path}.{i}", out var t); i++)
                items.Add(t.ToDevice(model.Device));
            layer.RestoreWindow(items);
            items.ForEach(t => t.Dispose());
        }
    }
}
