namespace QSparse.Host.Training;

/// <summary>
/// Everything that shapes the trained network and its QSPARSE schedule. Saved in the checkpoint's
/// extras (as int64 scalars under "config."), so eval, inspect, verify-int and --resume rebuild the same network.
/// </summary>
/// <param name="Mode">What QSPARSE does.</param>
/// <param name="Prune">What the pruners act on (ignored without pruning).</param>
/// <param name="Order">Which starts first when both run.</param>
/// <param name="Window">The activation quantizers' and pruners' window size.</param>
/// <param name="FuseBn">Whether BatchNorm is folded into the layer before it when quantization starts.</param>
/// <param name="StepsPerEpoch">E, the schedule's unit.</param>
public sealed record NetworkConfig(TrainMode Mode, PruneTarget Prune, QsparseOrder Order, int Window, bool FuseBn, int StepsPerEpoch)
{
    const string Prefix = "config.";

    /// <summary>The network (a checkpoint from before --model holds the seed's).</summary>
    public ModelKind Model { get; init; } = ModelKind.Mnist;

    /// <summary>What the network is trained to do.</summary>
    public TaskKind Task { get; init; } = TaskKind.Classification;

    /// <summary>Image channels of the input (1 for Fashion-MNIST, 3 for CIFAR and colour image folders).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Classes of a classification network.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>The super-resolution factor (2 or 3); 1 for the other tasks.</summary>
    public int Scale { get; init; } = 1;

    /// <summary>True when quantizers are part of the network.</summary>
    public bool Quantizes => Mode is TrainMode.Quantize or TrainMode.QuantizePrune;

    /// <summary>True when pruners are part of the network.</summary>
    public bool Prunes => Mode is TrainMode.Prune or TrainMode.QuantizePrune;

    /// <summary>The checkpoint extras that record this configuration.</summary>
    public IEnumerable<KeyValuePair<string, HostTensor>> ToExtras() =>
        new (string Name, long Value)[]
        {
            ("mode", (long)Mode), ("prune", (long)Prune), ("order", (long)Order),
            ("window", Window), ("fuse_bn", FuseBn ? 1 : 0), ("steps_per_epoch", StepsPerEpoch),
            ("model", (long)Model), ("task", (long)Task), ("channels", Channels), ("classes", Classes), ("scale", Scale),
        }.Select(e => CheckpointExtras.Int64(Prefix + e.Name, e.Value));

    /// <summary>
    /// The configuration recorded in a checkpoint's extras; a checkpoint without it is an error naming the missing key.
    /// One written before --model (no "config.model") is the seed network's classification run.
    /// </summary>
    public static NetworkConfig FromExtras(IReadOnlyDictionary<string, HostTensor> extras, string path)
    {
        var seed = new NetworkConfig(TrainMode.Float, PruneTarget.Both, QsparseOrder.QuantizeFirst, 1, false, 1);
        return new(ReadEnum<TrainMode>(extras, "mode", path), ReadEnum<PruneTarget>(extras, "prune", path), ReadEnum<QsparseOrder>(extras, "order", path),
            (int)Read(extras, "window", path), Read(extras, "fuse_bn", path) != 0, (int)Read(extras, "steps_per_epoch", path))
        {
            Model = ReadEnum<ModelKind>(extras, "model", path, (long)seed.Model), Task = ReadEnum<TaskKind>(extras, "task", path, (long)seed.Task),
            Channels = (int)Read(extras, "channels", path, seed.Channels), Classes = (int)Read(extras, "classes", path, seed.Classes),
            Scale = (int)Read(extras, "scale", path, seed.Scale),
        };
    }

    static long Read(IReadOnlyDictionary<string, HostTensor> extras, string name, string path) =>
        CheckpointExtras.ReadInt64(extras, Prefix + name, path);

    static long Read(IReadOnlyDictionary<string, HostTensor> extras, string name, string path, long absent) =>
        extras.ContainsKey(Prefix + name) ? Read(extras, name, path) : absent;

    static T ReadEnum<T>(IReadOnlyDictionary<string, HostTensor> extras, string name, string path, long? absent = null) where T : struct, Enum
    {
        long value = absent is { } a ? Read(extras, name, path, a) : Read(extras, name, path);
        return Enum.IsDefined(typeof(T), (int)value)
            ? (T)(object)(int)value
            : throw new InvalidDataException($"{path}: '{Checkpoint.ExtraPrefix}{Prefix}{name}' is {value}, not a known {typeof(T).Name}");
    }

    /// <summary>The configuration recorded among a checkpoint's <paramref name="entries"/> (read before the model is built).</summary>
    public static NetworkConfig FromCheckpoint(IReadOnlyDictionary<string, HostTensor> entries, string path) => FromExtras(
        entries.Where(kv => kv.Key.StartsWith(Checkpoint.ExtraPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[Checkpoint.ExtraPrefix.Length..], kv => kv.Value), path);

    /// <summary>What QSPARSE adds to the network this configuration builds.</summary>
    public QsparsePlan NetworkOptions => new(Quantizes, Prunes && Prune != PruneTarget.Features, Prunes && Prune != PruneTarget.Weights,
        Order == QsparseOrder.QuantizeFirst, Window, StepsPerEpoch);
}
