namespace QSparse.Host.Benchmarks;

/// <summary>
/// One row of <c>qsparse bench</c>: a workload's best and mean wall time over its timed runs (each waited
/// for on the device), with a rate where one is meaningful. A failed workload has NaN times and an <see cref="Error"/>.
/// </summary>
/// <param name="Workload">What ran, with its shape (the same names as Perf/reference/torch_bench.py uses).</param>
/// <param name="BestSeconds">The fastest timed run.</param>
/// <param name="MeanSeconds">The mean of the timed runs.</param>
/// <param name="Repeats">Timed runs.</param>
/// <param name="Flops">Floating-point operations of one run, where GFLOP/s is meaningful.</param>
/// <param name="Bytes">Bytes one run must read, where GB/s is meaningful instead.</param>
/// <param name="Note">What the row measures beyond its name (schedule state, kernel counts).</param>
/// <param name="Error">Why the workload failed, or null.</param>
public sealed record BenchResult(string Workload, double BestSeconds, double MeanSeconds, int Repeats,
    double? Flops = null, double? Bytes = null, string? Note = null, string? Error = null)
{
    /// <summary>GFLOP/s at the best time, or null.</summary>
    public double? Gflops => Flops / BestSeconds / 1e9;

    /// <summary>GB/s at the best time, or null.</summary>
    public double? Gbps => Bytes / BestSeconds / 1e9;

    /// <summary>The row of a workload that threw: the suite goes on with the next one.</summary>
    public static BenchResult Failed(string workload, Exception e) =>
        new(workload, double.NaN, double.NaN, 0, Error: $"{e.GetType().Name}: {e.Message}");
}
