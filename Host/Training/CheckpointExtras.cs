namespace QSparse.Host.Training;

/// <summary>The int64 scalars a <c>qsparse train</c> checkpoint keeps among its extras (epoch, step, configuration, ...).</summary>
public static class CheckpointExtras
{
    /// <summary>An extra entry holding <paramref name="value"/> as an int64 scalar.</summary>
    public static KeyValuePair<string, HostTensor> Int64(string name, long value) =>
        KeyValuePair.Create(name, new HostTensor(DType.Int64, [], BitConverter.GetBytes(value)));

    /// <summary>The int64 scalar <paramref name="name"/>; absent or of another type, an error naming the checkpoint and the key.</summary>
    public static long ReadInt64(IReadOnlyDictionary<string, HostTensor> extras, string name, string path) =>
        extras.TryGetValue(name, out var t) && t.DType == DType.Int64 && t.Numel == 1
            ? t.AsLongs()[0]
            : throw new InvalidDataException($"{path}: no int64 entry '{Checkpoint.ExtraPrefix}{name}' (not a qsparse train checkpoint?)");
}
