using System.Buffers;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of the convolutions: each pass is one <see cref="NativeGemm"/> product whose im2col
/// operand is packed straight from the image (<see cref="Im2ColB"/>), and col2im for strided backward-data.
/// </summary>
static unsafe class NativeConv
{
    /// <summary>y [N, OutC, OutH, OutW] = conv(x, w) + bias [OutC]: one GEMM, col never materialised.</summary>
    public static void Forward(Device d, ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> y, ConvGeometry g)
    {
        d.Synchronize();
        // Y [OutC, (n, pixel)] = W [OutC, C·KH·KW] · col, written where y holds it.
        WithIm2Col(x, g, tapRows: true, col => NativeGemm.Multiply(new StridedA((float*)w.Address(), g.ColRows, AxisMap.Plain(1)), col,
            new GemmOutput((float*)y.Address(), g.OutPixels, AxisMap.ImagePixels(g.OutC, g.OutPixels), Address(bias)),
            g.OutC, g.ColCols, g.ColRows, 1f, 0f));
    }

    /// <summary>
    /// x [N, C, H, W] = convᵀ(gy, w) + bias [C] for a stride-1 convolution, as the convolution of gy with the
    /// flipped, transposed kernel w'[c, oc, ki, kj] = w[oc, c, KH−1−ki, KW−1−kj] and padding d·(K−1)−p
    /// (read in place from w, never copied); again one GEMM with no col matrix and no col2im.
    /// </summary>
    public static void BackwardDataStride1(Device d, ArrayView<float> gy, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> x, ConvGeometry g)
    {
        d.Synchronize();
        var flipped = new ConvGeometry
        {
            N = g.N, C = g.OutC, H = g.OutH, W = g.OutW, OutC = g.C, OutH = g.H, OutW = g.W, KH = g.KH, KW = g.KW,
            StrideH = 1, StrideW = 1, DilationH = g.DilationH, DilationW = g.DilationW,
            PadH = g.DilationH * (g.KH - 1) - g.PadH, PadW = g.DilationW * (g.KW - 1) - g.PadW,
        };
        int taps = g.KH * g.KW;
        // w' (C × OutC·KH·KW): row c at c·taps, column (oc, t) at oc·C·taps + (taps − 1 − t).
        var flippedW = new StridedA((float*)w.Address() + taps - 1, taps, new AxisMap(taps, -1, (long)g.C * taps));
        WithIm2Col(gy, flipped, tapRows: true, col => NativeGemm.Multiply(flippedW, col,
            new GemmOutput((float*)x.Address(), flipped.OutPixels, AxisMap.ImagePixels(g.C, flipped.OutPixels), Address(bias)),
            g.C, flipped.ColCols, flipped.ColRows, 1f, 0f));
    }

    /// <summary>gw [OutC, C, KH, KW] = GY [OutC, (n, pixel)] · colᵀ, with GY read where gy holds it.</summary>
    public static void BackwardWeight(Device d, ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gw, ConvGeometry g)
    {
        d.Synchronize();
        WithIm2Col(x, g, tapRows: false, colT => NativeGemm.Multiply(
            new StridedA((float*)gy.Address(), g.OutPixels, AxisMap.ImagePixels(g.OutC, g.OutPixels)), colT,
            new GemmOutput((float*)gw.Address(), g.ColRows, AxisMap.Plain(1)), g.OutC, g.ColRows, g.ColCols, 1f, 0f));
    }

    static float* Address(ArrayView<float>? view) => view is { } v ? (float*)v.Address() : null;

    /// <summary>
    /// Runs <paramref name="product"/> with the im2col matrix of <paramref name="image"/> (rows taps when
    /// <paramref name="tapRows"/>, else pixels) over index tables built for this call.
    /// </summary>
    static void WithIm2Col(ArrayView<float> image, ConvGeometry g, bool tapRows, Action<Im2ColB> product)
    {
        // NOTE: the gathers index the image with 32-bit offsets.
        if (image.Length > int.MaxValue)
            throw new NotSupportedException($"convolution input of {image.Length} elements: the native CPU path indexes at most {int.MaxValue}");
        int tapInts = ConvIndexTable.Storage(g.ColRows);
        var storage = ArrayPool<int>.Shared.Rent(tapInts + ConvIndexTable.Storage(g.ColCols));
        try
        {
            fixed (int* ints = storage)
            {
                var taps = ConvIndexTable.Taps(ints, g);
                var pixels = ConvIndexTable.Pixels(ints + tapInts, g);
                float* x = (float*)image.Address();
                product(tapRows ? new Im2ColB(x, taps, pixels, g, pixelRows: false) : new Im2ColB(x, pixels, taps, g, pixelRows: true));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(storage);
        }
    }

    /// <summary>x[n, c, h, w] (+)= Σ col entries reading it; scatter-free: each worker owns whole (n, c) planes.</summary>
    public static void Col2Im(Device d, ArrayView<float> col, ArrayView<float> x, ConvGeometry g, bool accumulate)
    {
        d.Synchronize();
        nint px = x.Address(), pc = col.Address();
        int cols = g.ColCols, plane = g.H * g.W;
        NativeLoops.For(g.N * g.C, (long)g.ColRows / g.C * g.OutPixels, (begin, end) =>
        {
            float* xs = (float*)px, cs = (float*)pc;
            for (int nc = begin; nc < end; nc++)
            {
                int n = nc / g.C, c = nc % g.C;
                float* dst = xs + (long)nc * plane;
                if (!accumulate)
                    new Span<float>(dst, plane).Clear();
                // Adding each column row back onto its input row keeps the order fixed (deterministic).
                for (int ki = 0; ki < g.KH; ki++)
                    for (int kj = 0; kj < g.KW; kj++)
                    {
                        float* src = cs + (long)((c * g.KH + ki) * g.KW + kj) * cols + n * g.OutH * g.OutW;
                        for (int oh = 0; oh < g.OutH; oh++)
                        {
                            int h = oh * g.StrideH - g.PadH + ki * g.DilationH;
                            if (h < 0 || h >= g.H)
                                continue;
                            float* srcRow = src + oh * g.OutW;
                            float* dstRow = dst + h * g.W;
                            int w = kj * g.DilationW - g.PadW;
                            for (int ow = 0; ow < g.OutW; ow++, w += g.StrideW)
                                if (w >= 0 && w < g.W)
                                    dstRow[w] += srcRow[ow];
                        }
                    }
            }
        });
    }
}
