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
    /// <paramref name="full"/>, and the row's name says so.
    /// </summary>
    public static BenchWorkload Sgemm(Device device, bool full)
    {
        int n = device.IsCpu && !full ? 1024 : 4096;
        var shape = GemmShape.RowMajor(n, n, n);
        var a = Random(device, (long)n * n, 1);
        var b = Random(device, (long)n * n, 2);
        var c = device.Accelerator.Allocate1D<float>((long)n * n);
        return new($"sgemm {n}x{n}x{n}{(n < 4096 ? " (CPU default; --full: 4096)" : "")}",
            () => GemmKernels.Gemm(device, a.View, b.View, c.View, shape), [a, b, c], Flops: shape.Flops);
    }

    /// <summary>One pass at conv2's shape for batch <paramref name="batch"/>: 2·B·64·576·288 FLOP.</summary>
    public static BenchWorkload Conv2(Device device, ConvPass pass, int batch)
    {
        var g = new ConvGeometry
        {
            N = batch, C = 32, H = 26, W = 26, OutC = 64, OutH = 24, OutW = 24, KH = 3, KW = 3,
            StrideH = 1, StrideW = 1, DilationH = 1, DilationW = 1,
        };
        var x = Random(device, (long)g.N * g.C * g.H * g.W, 3);
        var w = Random(device, (long)g.OutC * g.ColRows, 4);
        var y = Random(device, (long)g.N * g.OutC * g.OutPixels, 5);
        Action run = pass switch
        {
            ConvPass.Forward => () => ConvKernels.Forward(device, x.View, w.View, null, y.View, g),
            ConvPass.BackwardData => () => ConvKernels.BackwardData(device, y.View, w.View, null, x.View, g),
            _ => () => ConvKernels.BackwardWeight(device, x.View, y.View, w.View, g),
        };
        return new($"conv2d {Spell(pass)} b{batch}", run, [x, w, y], Flops: 2.0 * g.N * g.OutC * g.OutPixels * g.ColRows);
    }

    /// <summary>The pass as the row names spell it: forward, backward-data, backward-weight.</summary>
    public static string Spell(ConvPass pass) => pass switch
    {
        ConvPass.Forward => "forward",
        ConvPass.BackwardData => "backward-data",
        _ => "backward-weight",
    };

    static MemoryBuffer1D<float, Stride1D.Dense> Random(Device device, long count, ulong seed)
    {
        var buffer = device.Accelerator.Allocate1D<float>(count);
        RandomKernels.Uniform(device, buffer.View, seed, 0, -1, 1);
        return buffer;
    }
}
