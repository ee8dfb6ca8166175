using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of max pooling for the common case of non-overlapping windows (stride = kernel,
/// no padding or dilation): the backward pass then scatters each window's gradient to its argmax
/// without races. Other shapes keep the ILGPU kernels.
/// </summary>
static unsafe class NativePooling
{
    public static bool Handles(Pool2dShape s) =>
        s.StrideH == s.KernelH && s.StrideW == s.KernelW && s.PadH == 0 && s.PadW == 0 && s.DilationH == 1 && s.DilationW == 1;

    public static void MaxForward(Device d, ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, Pool2dShape s)
    {
        d.Synchronize();
        nint px = x.Address(), py = y.Address(), pi = indices.Address();
        NativeLoops.For(s.Planes * s.OutH, (long)s.KernelH * s.W, (begin, end) =>
        {
            for (int row = begin; row < end; row++)
            {
                int plane = row / s.OutH, oh = row % s.OutH;
                float* xs = (float*)px + (long)plane * s.H * s.W;
                float* ys = (float*)py + (long)row * s.OutW;
                int* ids = (int*)pi + (long)row * s.OutW;
                for (int ow = 0; ow < s.OutW; ow++)
                {
                    int h0 = oh * s.StrideH, w0 = ow * s.StrideW;
                    int hEnd = Math.Min(h0 + s.KernelH, s.H), wEnd = Math.Min(w0 + s.KernelW, s.W);
                    float best = float.NegativeInfinity;
                    int bestIndex = h0 * s.W + w0;
                    for (int h = h0; h < hEnd; h++)
                        for (int w = w0; w < wEnd; w++)
                        {
                            float v = xs[h * s.W + w];
                            // NOTE: strict '>' keeps the first maximum on ties; a NaN wins, as in PyTorch.
                            if (v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestIndex = h * s.W + w;
                            }
                        }
                    ys[ow] = best;
                    ids[ow] = bestIndex;
                }
            }
        });
    }

    public static void MaxBackward(Device d, ArrayView<float> gradOut, ArrayView<int> indices, ArrayView<float> gradIn, Pool2dShape s)
    {
        d.Synchronize();
        nint pg = gradOut.Address(), pi = indices.Address(), pgi = gradIn.Address();
        int plane = s.H * s.W, outPlane = s.OutH * s.OutW;
        NativeLoops.For(s.Planes, (long)s.H * s.W, (begin, end) =>
        {
            for (int p = begin; p < end; p++)
            {
                float* gi = (float*)pgi + (long)p * plane;
                new Span<float>(gi, plane).Clear();
                float* go = (float*)pg + (long)p * outPlane;
                int* ids = (int*)pi + (long)p * outPlane;
                // Windows do not overlap, so each input receives at most one gradient.
                for (int o = 0; o < outPlane; o++)
                    gi[ids[o]] += go[o];
            }
        });
    }
}
