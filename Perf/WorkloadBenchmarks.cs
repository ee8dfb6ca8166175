using BenchmarkDotNet.Attributes;
using QSparse.Host.Benchmarks;
using QSparse.Nn;
using Device = QSparse.Kernels.Device;

namespace QSparse.Perf;

/// <summary>
/// Every steady-state workload of <c>qsparse bench</c> (<see cref="BenchWorkloads"/>: SGEMM, the seed conv2's
/// three passes, the training steps, the QSPARSE events), timed by BenchmarkDotNet on both CPU paths. The
/// workloads are defined once, in Host/Benchmarks; this class only hands them to BenchmarkDotNet.
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class WorkloadBenchmarks
{
    Device device = null!;
    BenchWorkload workload = null!;

    /// <summary>The workload keys of the full (not --quick) suite.</summary>
    public static IEnumerable<string> Keys => BenchWorkloads.All(Options).Select(e => e.Key);

    static readonly BenchOptions Options = new(null, 1, Quick: false, Full: false);

    /// <summary>Which workload.</summary>
    [ParamsSource(nameof(Keys))]
    public string Workload { get; set; } = "";

    /// <summary>cpu (native path) or cpu-accelerator (ILGPU's kernels).</summary>
    [Params("cpu", "cpu-accelerator")]
    public string DeviceName { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        QSparseOptions.Set(logOnCreated: false, logDuringTrain: false);
        device = Device.Open(DeviceName);
        workload = BenchWorkloads.All(Options).Single(e => e.Key == Workload).Create(device);
        for (int i = 0; i < workload.Warmups; i++)
            Run();
    }

    /// <summary>One run, waited for on the device.</summary>
    [Benchmark]
    public void Run()
    {
        workload.Run();
        device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        workload.Dispose();
        device.Dispose();
    }
}
