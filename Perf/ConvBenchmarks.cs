using BenchmarkDotNet.Attributes;
using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;
using Device = QSparse.Kernels.Device;

namespace QSparse.Perf;

/// <summary>
/// The three convolution passes at the seed network's conv2 shape (batch 64, 32→64 channels,
/// 26×26 input, 3×3 kernel): 2·64·64·24·24·288 = 1.36 GFLOP each. GFLOP/s = 1.359 / seconds.
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class ConvBenchmarks
{
    Device device = null!;
    MemoryBuffer1D<float, Stride1D.Dense> x = null!, w = null!, y = null!;
    ConvGeometry g;

    [Params("cpu", "cpu-accelerator")]
    public string DeviceName { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        device = Device.Open(DeviceName);
        g = new ConvGeometry
        {
            N = 64, C = 32, H = 26, W = 26, OutC = 64, OutH = 24, OutW = 24, KH = 3, KW = 3,
            StrideH = 1, StrideW = 1, DilationH = 1, DilationW = 1,
        };
        x = device.Accelerator.Allocate1D<float>(g.N * g.C * g.H * g.W);
        w = device.Accelerator.Allocate1D<float>(g.OutC * g.ColRows);
        y = device.Accelerator.Allocate1D<float>(g.N * g.OutC * g.OutPixels);
        foreach (var b in new[] { x, w, y })
            RandomKernels.Uniform(device, b.View, 1, 0, -1, 1);
        device.Synchronize();
    }

    [Benchmark]
    public void Forward()
    {
        ConvKernels.Forward(device, x.View, w.View, null, y.View, g);
        device.Synchronize();
    }

    [Benchmark]
    public void BackwardData()
    {
        ConvKernels.BackwardData(device, y.View, w.View, null, x.View, g);
        device.Synchronize();
    }

    [Benchmark]
    public void BackwardWeight()
    {
        ConvKernels.BackwardWeight(device, x.View, y.View, w.View, g);
        device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        x.Dispose();
        w.Dispose();
        y.Dispose();
        device.Dispose();
    }
}
