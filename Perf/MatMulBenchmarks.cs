using BenchmarkDotNet.Attributes;
using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;
using Device = QSparse.Kernels.Device;

namespace QSparse.Perf;

/// <summary>
/// GEMM on both CPU paths: square 512³ and 2048³, and the conv-shaped im2col product
/// (64 images × [64×288]·[288×576]). GFLOP/s = <see cref="GemmShape.Flops"/> / time.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class MatMulBenchmarks
{
    /// <summary>The product to time.</summary>
    [Params("512x512x512", "2048x2048x2048", "conv64x(64x576x288)")]
    public string Shape { get; set; } = "";

    /// <summary>cpu (native path) or cpu-accelerator (ILGPU's kernels).</summary>
    [Params("cpu", "cpu-accelerator")]
    public string DeviceName { get; set; } = "cpu";

    Device device = null!;
    MemoryBuffer1D<float, Stride1D.Dense> a = null!, b = null!, c = null!;
    GemmShape shape;

    [GlobalSetup]
    public void Setup()
    {
        device = Device.Open(DeviceName);
        shape = Shape switch
        {
            "512x512x512" => GemmShape.RowMajor(512, 512, 512),
            "2048x2048x2048" => GemmShape.RowMajor(2048, 2048, 2048),
            _ => GemmShape.RowMajor(64, 576, 288, batch: 64),
        };
        var rnd = new Random(1);
        float[] Fill(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)rnd.NextDouble()).ToArray();
        a = device.Accelerator.Allocate1D(Fill((long)shape.Batch * shape.M * shape.K));
        b = device.Accelerator.Allocate1D(Fill((long)shape.Batch * shape.K * shape.N));
        c = device.Accelerator.Allocate1D<float>((long)shape.Batch * shape.M * shape.N);
        // Compile the kernel outside the measurement.
        GemmKernels.Gemm(device, a.View, b.View, c.View, shape);
        device.Synchronize();
    }

    /// <summary>One C = A·B, waited for.</summary>
    [Benchmark]
    public void MatMul()
    {
        GemmKernels.Gemm(device, a.View, b.View, c.View, shape);
        device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        a.Dispose();
        b.Dispose();
        c.Dispose();
        device.Dispose();
    }
}
