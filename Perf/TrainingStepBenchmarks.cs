using BenchmarkDotNet.Attributes;
using QSparse.Host.Benchmarks;
using QSparse.Host.Training;
using QSparse.Kernels;

namespace QSparse.Perf;

/// <summary>
/// One full training step of the seed MNIST network (SPEC.md §11) at batch 64 with Adadelta, as
/// <c>qsparse bench</c> runs it (<see cref="SeedStepBench"/>): forward, zero-grad, backward, update.
/// PyTorch on 2 CPU cores: about 105 ms.
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class TrainingStepBenchmarks
{
    Device device = null!;
    SeedStepBench bench = null!;

    [Params("cpu", "cpu-accelerator")]
    public string DeviceName { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        device = Device.Open(DeviceName);
        bench = new SeedStepBench(device, TrainMode.Float, 64);
        Step();
    }

    [Benchmark]
    public void Step()
    {
        bench.Step();
        device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        bench.Dispose();
        device.Dispose();
    }
}
