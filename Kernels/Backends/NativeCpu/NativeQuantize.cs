using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of <see cref="QuantizeKernels.Forward"/> and <see cref="QuantizeKernels.Backward"/>:
/// each run of Inner contiguous elements shares one channel's d, so it is quantized 8 at a time with
/// the same arithmetic as <see cref="QuantizeParams"/> (bit for bit, NaN and −0 included).
/// </summary>
static unsafe class NativeQuantize
{
    public static void Forward(HostMemory host, ArrayView<float> x, ArrayView<float> decimals, ArrayView<float> y, ChannelShape s, QuantizeParams q)
    {
        nint px = host.Address(x), pd = host.Address(decimals), py = host.Address(y);
        NativeLoops.For(s.Batch * s.Channels, s.Inner, (begin, end) =>
        {
            var min = Vector256.Create(q.Min);
            var max = Vector256.Create(q.Max);
            for (int row = begin; row < end; row++)
            {
                float dec = ((float*)pd)[row % s.Channels];
                float* xs = (float*)px + (long)row * s.Inner, ys = (float*)py + (long)row * s.Inner;
                var scale = Vector256.Create(ExactMath.Pow2(dec));
                var unit = Vector256.Create(ExactMath.Pow2(-dec));
                int k = 0;
                for (; k + 8 <= s.Inner; k += 8)
                {
                    var v = Vector256.Load(xs + k) * scale;
                    v = q.Nearest != 0 ? Avx.RoundToNearestInteger(v) : Avx.RoundToZero(v);
                    v = Vector256.ConditionalSelect(Vector256.LessThan(v, min), min, Vector256.ConditionalSelect(Vector256.GreaterThan(v, max), max, v));
                    // The scalar rule's round trip through int: −0 becomes +0 and NaN becomes 0.
                    v = (v + Vector256<float>.Zero) & Vector256.Equals(v, v);
                    Vector256.Store(v * unit, ys + k);
                }
                for (; k < s.Inner; k++)
                    ys[k] = q.Apply(xs[k], dec);
            }
        });
    }

    public static void Backward(HostMemory host, ArrayView<float> gradOut, ArrayView<float> decimals, ArrayView<float> gradIn, ChannelShape s, QuantizeParams q)
    {
        nint pg = host.Address(gradOut), pd = host.Address(decimals), pi = host.Address(gradIn);
        NativeLoops.For(s.Batch * s.Channels, s.Inner, (begin, end) =>
        {
            for (int row = begin; row < end; row++)
            {
                float dec = ((float*)pd)[row % s.Channels], unit = ExactMath.Pow2(-dec);
                var lo = Vector256.Create(q.Min * unit);
                var hi = Vector256.Create(q.Max * unit);
                float* gs = (float*)pg + (long)row * s.Inner, gi = (float*)pi + (long)row * s.Inner;
                int k = 0;
                for (; k + 8 <= s.Inner; k += 8)
                {
                    var g = Vector256.Load(gs + k);
                    Vector256.Store(Vector256.ConditionalSelect(Vector256.LessThan(g, lo), lo, Vector256.ConditionalSelect(Vector256.GreaterThan(g, hi), hi, g)), gi + k);
                }
                for (; k < s.Inner; k++)
                    gi[k] = q.ClipGradient(gs[k], dec);
            }
        });
    }
}
