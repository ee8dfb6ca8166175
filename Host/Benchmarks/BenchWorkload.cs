namespace QSparse.Host.Benchmarks;

/// <summary>
/// One timed piece of work, defined once for <c>qsparse bench</c> (<see cref="BenchSuite"/>) and for the
/// BenchmarkDotNet project (Perf): what one run does, its rate denominator, and the device memory it owns.
/// </summary>
/// <param name="Name">The row name (the same names as Perf/reference/torch_bench.py uses).</param>
/// <param name="Run">One run; the caller waits for the device after it.</param>
/// <param name="Resources">What the workload allocated, released by <see cref="Dispose"/>.</param>
/// <param name="Flops">Floating-point operations of one run, where GFLOP/s is meaningful.</param>
/// <param name="Bytes">Bytes one run must read, where GB/s is meaningful instead.</param>
/// <param name="Warmups">Untimed runs before timing (0 where creating the workload already warmed it up).</param>
/// <param name="Note">What the row measures beyond its name.</param>
public sealed record BenchWorkload(string Name, Action Run, IDisposable[] Resources, double? Flops = null,
    double? Bytes = null, int Warmups = 1, string? Note = null) : IDisposable
{
    /// <summary>Times the workload on <paramref name="device"/>: see <see cref="BenchClock.Measure"/>.</summary>
    public BenchResult Measure(Device device, int repeats) =>
        BenchClock.Measure(device, Name, Run, repeats, Warmups, Flops, Bytes, Note);

    /// <summary>Releases <see cref="Resources"/>.</summary>
    public void Dispose()
    {
        foreach (var r in Resources)
            r.Dispose();
    }
}
