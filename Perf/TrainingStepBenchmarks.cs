using BenchmarkDotNet.Attributes;
using QSparse.Kernels;
using QSparse.Nn;

namespace QSparse.Perf;

/// <summary>
/// One full training step of the seed MNIST network (SPEC.md §11) at batch 64 with Adadelta:
/// forward, zero-grad, backward, update. PyTorch on 2 CPU cores: about 105 ms.
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class TrainingStepBenchmarks
{
    Device device = null!;
    MnistNet model = null!;
    Adadelta optimizer = null!;
    Tensor x = null!, y = null!;

    [Params("cpu", "cpu-accelerator")]
    public string DeviceName { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        device = Device.Open(DeviceName);
        var g = new Generator(1);
        model = new MnistNet(device, g);
        optimizer = new Adadelta(model.Parameters());
        x = Tensor.Randn(device, [64, 1, 28, 28], g);
        y = Tensor.FromArray(device, Enumerable.Range(0, 64).Select(i => (long)(i % 10)).ToArray(), 64);
        Step();
    }

    [Benchmark]
    public void Step()
    {
        using (new TensorScope())
        {
            var loss = Functional.NllLoss(model.Forward(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        optimizer.Dispose();
        device.Dispose();
    }
}
