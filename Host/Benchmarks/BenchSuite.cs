using QSparse.Host.Training;

namespace QSparse.Host.Benchmarks;

/// <summary>Runs every workload of <c>qsparse bench</c> in order, each row reported as soon as it is measured.</summary>
public static class BenchSuite
{
    /// <summary>
    /// The first-launch rows (each on a device of its own), then <see cref="BenchWorkloads.All"/> on
    /// <paramref name="device"/>. <paramref name="onResult"/> gets each row as it is measured.
    /// </summary>
    public static void Run(Device device, BenchOptions options, Action<BenchResult> onResult)
    {
        // First launch goes first, while .NET's JIT is as cold as a user's first step finds it.
        var parts = new List<(string Name, Func<BenchResult> Run)>();
        if (!options.Networks)
            parts.Add(("first launch float", () => TrainStepWorkloads.FirstLaunch(options, TrainMode.Float)));
        if (!options.Quick && !options.Networks)
            parts.Add(("first launch quantize+prune", () => TrainStepWorkloads.FirstLaunch(options, TrainMode.QuantizePrune)));
        foreach (var entry in BenchWorkloads.All(options))
            parts.Add((entry.Key, () =>
            {
                using var workload = entry.Create(device);
                return workload.Measure(device, options.Repeats);
            }));
        foreach (var (name, run) in parts)
        {
            BenchResult row;
            try
            {
                row = run();
            }
            // NOTE: any failure becomes a row and the suite goes on: on a lent GPU the remaining rows are worth the
            // device minutes, and the error text is what the next session needs.
            catch (Exception e)
            {
                row = BenchResult.Failed(name, e);
            }
            onResult(row);
        }
    }
}
