using ILGPU;
using ILGPU.Runtime;
using Device = QSparse.Kernels.Device;

namespace QSparse.Host.Benchmarks;

/// <summary>
/// The compute core's kernels on raw device buffers (no tensors, no autograd): SGEMM, and the three
/// convolution passes at the seed network's conv2 shape (32→64 channels, 26×26 input, 3×3 kernel).
/// </summary>
public static class KernelWorkloads
{
    /// <summary>
    /// C = A·B, square. 4096³ on GPUs; CPU devices default to 1024³ (4096³ takes minutes there) unless
    /// <see cref="BenchOptions.Full"/>, and the row's name says so.
    /// </summary>
    public static BenchResult Sgemm(Device device, BenchOptions options)
    {
        int n = device.IsCpu && !options.Full ? 1024 : 4096;
        var shape = GemmShape.RowMajor(n, n, n);
        using var a = Random(device, (long)n * n, 1);
        using var b = Random(device, (long)n * n, 2);
        using var c = device.Accelerator.Allocate1D<float>((long)n * n);
        return BenchClock.Measure(device, $"sgemm {n}x{n}x{n}{(n < 4096 ? " (CPU default; --full: 4096)" : "")}",
            () => GemmKernels.Gemm(device, a.View, b.View, c.View, shape), options.Repeats, flops: shape.Flops);
    }

    /// <summary>Forward, backward-data and backward-weight at conv2's shape for batch <paramref name="batch"/>: 2·B·64·576·288 FLOP each.</summary>
    public static IEnumerable<BenchResult> Conv2(Device device, BenchOptions options, int batch)
    {
        var g = new ConvGeometry
        {
            N = batch, C = 32, H = 26, W = 26, OutC = 64, OutH = 24, OutW = 24, KH = 3, KW = 3,
            StrideH = 1, StrideW = 1, DilationH = 1, DilationW = 1,
        };
        double flops = 2.0 * g.N * g.OutC * g.OutPixels * g.ColRows;
        using var x = Random(device, (long)g.N * g.C * g.H * g.W, 3);
        using var w = Random(device, (long)g.OutC * g.ColRows, 4);
        using var y = Random(device, (long)g.N * g.OutC * g.OutPixels, 5);
        return
        [
            BenchClock.Measure(device, $"conv2d forward b{batch}", () => ConvKernels.Forward(device, x.View, w.View, null, y.View, g),
                options.Repeats, flops: flops),
            BenchClock.Measure(device, $"conv2d backward-data b{batch}", () => ConvKernels.BackwardData(device, y.View, w.View, null, x.View, g),
                options.Repeats, flops: flops),
            BenchClock.Measure(device, $"conv2d backward-weight b{batch}", () => ConvKernels.BackwardWeight(device, x.View, y.View, w.View, g),
                options.Repeats, flops: flops),
        ];
    }

    static MemoryBuffer1D<float, Stride1D.Dense> Random(Device device, long count, ulong seed)
    {
        var buffer = device.Accelerator.Allocate1D<float>(count);
        RandomKernels.Uniform(device, buffer.View, seed, 0, -1, 1);
        return buffer;
    }
}
