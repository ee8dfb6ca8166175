using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of max pooling for the common case of non-overlapping windows (stride = kernel,
/// no padding or dilation): the backward pass then scatters each window's gradient to its argmax
/// without races (other shapes run the kernels' bodies on host loops); and the backward of the global
/// average pool.
/// </summary>
static unsafe class NativePooling
{
    public static bool Handles(Pool2dShape s) =>
        s.StrideH == s.KernelH && s.StrideW == s.KernelW && s.PadH == 0 && s.PadW == 0 && s.DilationH == 1 && s.DilationW == 1;

    public static void MaxForward(HostMemory host, ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, Pool2dShape s)
    {
        nint px = host.Address(x), py = host.Address(y), pi = host.Address(indices);
        NativeLoops.For(s.Planes * s.OutH, (long)s.KernelH * s.W, (begin, end) =>
        {
            for (int row = begin; row < end; row++)
            {
                int plane = row / s.OutH, oh = row % s.OutH;
                float* xs = (float*)px + (long)plane * s.H * s.W;
                float* ys = (float*)py + (long)row * s.OutW;
                int* ids = (int*)pi + (long)row * s.OutW;
                int ow = 0;
                if (s.KernelH == 2 && s.KernelW == 2 && 2 * oh + 1 < s.H)
                    ow = MaxForward2x2(xs, s.W, oh, s.OutW, ys, ids);
                for (; ow < s.OutW; ow++)
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

    /// <summary>
    /// 2×2 windows of input rows 2·oh and 2·oh + 1, 8 outputs at a time while whole windows lie inside
    /// the row; returns the first output left to the scalar loop. The candidates are taken in the scalar
    /// loop's order with its rule (strictly greater, or NaN), so values and indices are the same.
    /// </summary>
    static int MaxForward2x2(float* plane, int width, int oh, int outW, float* ys, int* ids)
    {
        float* top = plane + 2 * oh * width, bottom = top + width;
        var lanes = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        int ow = 0;
        for (; 2 * ow + 16 <= width && ow + 8 <= outW; ow += 8)
        {
            var (topLeft, topRight) = Deinterleave(top + 2 * ow);
            var (bottomLeft, bottomRight) = Deinterleave(bottom + 2 * ow);
            var index = Vector256.Create(2 * oh * width + 2 * ow) + lanes;
            var best = Vector256.Create(float.NegativeInfinity);
            var bestIndex = index;
            Take(topLeft, index, ref best, ref bestIndex);
            Take(topRight, index + Vector256.Create(1), ref best, ref bestIndex);
            Take(bottomLeft, index + Vector256.Create(width), ref best, ref bestIndex);
            Take(bottomRight, index + Vector256.Create(width + 1), ref best, ref bestIndex);
            Vector256.Store(best, ys + ow);
            Vector256.Store(bestIndex, ids + ow);
        }
        return ow;
    }

    /// <summary>16 consecutive floats as their 8 even-indexed and 8 odd-indexed values.</summary>
    static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* p)
    {
        var a = Vector256.Load(p);
        var b = Vector256.Load(p + 8);
        // Shuffle works within 128-bit lanes; the permute puts the four 64-bit pairs back in order.
        var even = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        var odd = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }

    static void Take(Vector256<float> v, Vector256<int> index, ref Vector256<float> best, ref Vector256<int> bestIndex)
    {
        var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
        best = Vector256.ConditionalSelect(take, v, best);
        bestIndex = Vector256.ConditionalSelect(take.AsInt32(), index, bestIndex);
    }

    public static void MaxBackward(HostMemory host, ArrayView<float> gradOut, ArrayView<int> indices, ArrayView<float> gradIn, Pool2dShape s)
    {
        nint pg = host.Address(gradOut), pi = host.Address(indices), pgi = host.Address(gradIn);
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

    /// <summary>
    /// The backward of the global adaptive average pool (output 1×1): every element of plane p gets
    /// 0 + gradOut[p] / H / W, the kernel's sum over its one window (so -0 becomes +0 as there), computed
    /// once per plane instead of once per element with the window arithmetic.
    /// </summary>
    public static void GlobalAverageBackward(HostMemory host, ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s)
    {
        nint pg = host.Address(gradOut), pi = host.Address(gradIn);
        int plane = s.H * s.W;
        NativeLoops.For(s.Planes, plane, (begin, end) =>
        {
            for (int p = begin; p < end; p++)
                new Span<float>((float*)pi + (long)p * plane, plane).Fill(0f + ((float*)pg)[p] / s.H / s.W);
        });
    }
}
