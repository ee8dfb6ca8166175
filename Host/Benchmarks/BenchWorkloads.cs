using QSparse.Host.Training;

namespace QSparse.Host.Benchmarks;

/// <summary>
/// The steady-state workloads of <c>qsparse bench</c>, in suite order, each under a key that does not depend on
/// the device (Perf's BenchmarkDotNet parameters are these keys).
/// </summary>
public static class BenchWorkloads
{
    /// <summary>A workload's key and how to create it on a device.</summary>
    public sealed record Entry(string Key, Func<Device, BenchWorkload> Create);

    /// <summary>
    /// SGEMM, the conv2 passes and the training steps at each of the options' batches, the QSPARSE events, then
    /// (not in a quick run) the example networks' steps; only those with <see cref="BenchOptions.Networks"/>.
    /// </summary>
    public static IEnumerable<Entry> All(BenchOptions options)
    {
        if (options.Networks)
        {
            foreach (var entry in ExampleStepWorkloads.All())
                yield return entry;
            yield break;
        }
        yield return new("sgemm", d => KernelWorkloads.Sgemm(d, options.Full));
        foreach (int batch in options.Batches)
            foreach (var pass in Enum.GetValues<ConvPass>())
                yield return new($"conv2d {KernelWorkloads.Spell(pass)} b{batch}", d => KernelWorkloads.Conv2(d, pass, batch));
        foreach (int batch in options.Batches)
            foreach (var mode in new[] { TrainMode.Float, TrainMode.QuantizePrune })
                yield return new($"train step {TrainOptions.Spell(mode)} b{batch}", d => TrainStepWorkloads.Steady(d, mode, batch));
        yield return new("decimal search", QsparseEventWorkloads.DecimalSearch);
        yield return new("quantile", QsparseEventWorkloads.Quantile);
        yield return new("prune mask", QsparseEventWorkloads.PruneMask);
        if (!options.Quick)
            foreach (var entry in ExampleStepWorkloads.All())
                yield return entry;
    }
}
