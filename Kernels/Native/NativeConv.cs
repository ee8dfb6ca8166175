using ILGPU;

namespace QSparse.Kernels;

/// <summary>The native path of im2col and col2im (same layouts as <see cref="ConvKernels"/>).</summary>
static unsafe class NativeConv
{
    public static void Im2Col(Device d, ArrayView<float> x, ArrayView<float> col, ConvGeometry g)
    {
        d.Synchronize();
        nint px = x.Address(), pc = col.Address();
        int cols = g.ColCols;
        NativeLoops.For(g.ColRows * g.N * g.OutH, (begin, end) =>
        {
            float* xs = (float*)px, cs = (float*)pc;
            for (int item = begin; item < end; item++)
            {
                int oh = item % g.OutH, rest = item / g.OutH, n = rest % g.N, row = rest / g.N;
                int kj = row % g.KW, ki = row / g.KW % g.KH, c = row / (g.KW * g.KH);
                int h = oh * g.StrideH - g.PadH + ki * g.DilationH;
                float* dst = cs + (long)row * cols + (n * g.OutH + oh) * g.OutW;
                if (h < 0 || h >= g.H)
                {
                    new Span<float>(dst, g.OutW).Clear();
                    continue;
                }
                float* src = xs + ((long)(n * g.C + c) * g.H + h) * g.W;
                int w = kj * g.DilationW - g.PadW;
                for (int ow = 0; ow < g.OutW; ow++, w += g.StrideW)
                    dst[ow] = w >= 0 && w < g.W ? src[w] : 0f;
            }
        });
    }

    /// <summary>x[n, c, h, w] (+)= Σ col entries reading it; scatter-free: each worker owns whole (n, c) planes.</summary>
    public static void Col2Im(Device d, ArrayView<float> col, ArrayView<float> x, ConvGeometry g, bool accumulate)
    {
        d.Synchronize();
        nint px = x.Address(), pc = col.Address();
        int cols = g.ColCols, plane = g.H * g.W;
        NativeLoops.For(g.N * g.C, (begin, end) =>
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
