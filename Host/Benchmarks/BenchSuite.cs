using QSparse.Host.Training;

namespace QSparse.Host.Benchmarks;

/// <summary>Runs every workload of <c>qsparse bench</c> in order, each row reported as soon as it is measured.</summary>
public static class BenchSuite
{
    /// <summary>
    /// The first-launch rows (each on a device of its own), then SGEMM, conv2, the training steps and the QSPARSE
    /// events on <paramref name="device"/>. <paramref name="onResult"/> gets each row as it is measured.
    /// </summary>
    public static void Run(Device device, BenchOptions options, Action<BenchResult> onResult)
    {
        // First launch goes first, while .NET's JIT is as cold as a user's first step finds it.
        var parts = new List<(string Name, Func<IEnumerable<BenchResult>> Run)>
        {
            ("first launch float", () => [TrainStepWorkloads.FirstLaunch(options, TrainMode.Float)]),
        };
        if (!options.Quick)
            parts.Add(("first launch quantize+prune", () => [TrainStepWorkloads.FirstLaunch(options, TrainMode.QuantizePrune)]));
        parts.Add(("sgemm", () => [KernelWorkloads.Sgemm(device, options)]));
        foreach (int batch in options.Batches)
            parts.Add(($"conv2d b{batch}", () => KernelWorkloads.Conv2(device, options, batch)));
        foreach (int batch in options.Batches)
            foreach (var mode in new[] { TrainMode.Float, TrainMode.QuantizePrune })
                parts.Add(($"train step {TrainOptions.Spell(mode)} b{batch}", () => [TrainStepWorkloads.Steady(device, options, mode, batch)]));
        parts.Add(("qsparse events", () => QsparseEventWorkloads.All(device, options)));
        foreach (var (name, run) in parts)
        {
            List<BenchResult> rows;
            try
            {
                rows = run().ToList();
            }
            // NOTE: any failure becomes a row and the suite goes on: on a lent GPU the remaining rows are worth the
            // device minutes, and the error text is what the next session needs.
            catch (Exception e)
            {
                rows = [BenchResult.Failed(name, e)];
            }
            foreach (var row in rows)
                onResult(row);
        }
    }
}
