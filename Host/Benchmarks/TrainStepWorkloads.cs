using System.Diagnostics;
using System.Globalization;
using QSparse.Host.Training;

namespace QSparse.Host.Benchmarks;

/// <summary>The seed network's training step, steady state and first launch.</summary>
public static class TrainStepWorkloads
{
    /// <summary>Steady-state steps of <paramref name="mode"/> at batch <paramref name="batch"/>, after the warm-up that makes QSPARSE active.</summary>
    public static BenchWorkload Steady(Device device, TrainMode mode, int batch)
    {
        var bench = new SeedStepBench(device, mode, batch);
        for (int i = 0; i < bench.WarmupSteps; i++)
            bench.Step();
        return new(bench.Workload, bench.Step, [bench], Flops: StepFlops.Of(bench.Model, bench.Input), Warmups: 0, Note: bench.DescribeActive());
    }

    /// <summary>
    /// The first-launch cost of <paramref name="mode"/> at batch 64 on a device opened for it (no kernel compiled
    /// yet): the wall time of the warm-up steps (float: the first step; quantize+prune: every step up to the
    /// active state, so every kernel of the step and of the quantize and prune events is compiled), the device
    /// synchronised at the end. The note gives the kernels compiled and the warm-up minus as many steady steps.
    /// </summary>
    public static BenchResult FirstLaunch(BenchOptions options, TrainMode mode)
    {
        long open = Stopwatch.GetTimestamp();
        using var device = Device.Open(options.Device);
        double openSeconds = Stopwatch.GetElapsedTime(open).TotalSeconds;
        using var bench = new SeedStepBench(device, mode, 64);
        double warmup = BenchClock.Once(device, () =>
        {
            for (int i = 0; i < bench.WarmupSteps; i++)
                bench.Step();
        });
        int kernels = device.LoadedKernels;
        var steady = BenchClock.Measure(device, bench.Workload, bench.Step, options.Repeats, warmups: 0);
        double compile = warmup - bench.WarmupSteps * steady.MeanSeconds;
        string what = mode == TrainMode.Float ? "first step" : $"first {bench.WarmupSteps} steps (to active)";
        return new BenchResult($"first launch: {bench.Workload}, {what}, fresh device", warmup, warmup, 1, Note: string.Create(CultureInfo.InvariantCulture,
            $"{kernels} kernels compiled; minus {bench.WarmupSteps}× the steady step: {compile:0.###} s; device open {openSeconds:0.###} s"));
    }
}
