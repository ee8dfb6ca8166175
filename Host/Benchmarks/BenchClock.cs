using System.Diagnostics;

namespace QSparse.Host.Benchmarks;

/// <summary>Times a workload: untimed warm-up runs, then timed runs, each waited for on the device.</summary>
public static class BenchClock
{
    /// <summary>
    /// Runs <paramref name="run"/> <paramref name="warmups"/> times untimed (kernel compilation, pool growth),
    /// then <paramref name="repeats"/> times timed, synchronising the device after every run.
    /// </summary>
    public static BenchResult Measure(Device device, string workload, Action run, int repeats, int warmups = 1,
        double? flops = null, double? bytes = null, string? note = null)
    {
        for (int i = 0; i < warmups; i++)
            Once(device, run);
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
            seconds[i] = Once(device, run);
        return new BenchResult(workload, seconds.Min(), seconds.Average(), repeats, flops, bytes, note);
    }

    /// <summary>The wall time of one run of <paramref name="run"/>, the device synchronised at its end.</summary>
    public static double Once(Device device, Action run)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        device.Synchronize();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
