using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of <see cref="BatchNormKernels"/>: the same sums (double, fixed order per channel)
/// and formulas (the normalisation's per-channel terms are the ILGPU kernel's own functions), with each channel's runs of Inner contiguous elements read directly.
/// </summary>
static unsafe class NativeBatchNorm
{
    public static void Stats(HostMemory host, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, bool update)
    {
        nint px = host.Address(x), pm = host.Address(mean), pv = host.Address(var), prm = host.Address(runningMean), prv = host.Address(runningVar);
        NativeLoops.For(s.Channels, s.PerChannel, (begin, end) =>
        {
            float* xs = (float*)px;
            for (int c = begin; c < end; c++)
            {
                double sum = 0;
                for (int n = 0; n < s.Batch; n++)
                    sum += Sum(xs + ((long)n * s.Channels + c) * s.Inner, s.Inner);
                int m = s.PerChannel;
                float meanF = (float)(sum / m);
                double squares = 0;
                for (int n = 0; n < s.Batch; n++)
                    squares += SumSquaredDeviations(xs + ((long)n * s.Channels + c) * s.Inner, s.Inner, meanF);
                float squaresF = (float)squares;
                ((float*)pm)[c] = meanF;
                ((float*)pv)[c] = squaresF / m;
                if (update)
                {
                    float* rm = (float*)prm, rv = (float*)prv;
                    rm[c] = momentum * meanF + (1f - momentum) * rm[c];
                    rv[c] = momentum * (squaresF / (m - 1)) + (1f - momentum) * rv[c];
                }
            }
        });
    }

    public static void Normalize(HostMemory host, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, double eps, bool training)
    {
        nint px = host.Address(x), pm = host.Address(mean), pv = host.Address(var), pw = host.Address(weight), pb = host.Address(bias), py = host.Address(y);
        int train = training ? 1 : 0;
        NativeLoops.For(s.Batch * s.Channels, s.Inner, (begin, end) =>
        {
            for (int row = begin; row < end; row++)
            {
                int c = row % s.Channels;
                // The ILGPU kernel's terms, so both backends give the same bits.
                float alpha = IlgpuBatchNorm.Alpha(((float*)pv)[c], ((float*)pw)[c], eps, train);
                float beta = IlgpuBatchNorm.Beta(((float*)pm)[c], alpha, ((float*)pb)[c]);
                float* xs = (float*)px + (long)row * s.Inner, ys = (float*)py + (long)row * s.Inner;
                int k = 0;
                for (; k + 8 <= s.Inner; k += 8)
                    Vector256.Store(Fma.MultiplyAdd(Vector256.Load(xs + k), Vector256.Create(alpha), Vector256.Create(beta)), ys + k);
                for (; k < s.Inner; k++)
                    ys[k] = MathF.FusedMultiplyAdd(xs[k], alpha, beta);
            }
        });
    }

    public static void Backward(HostMemory host, ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, bool training)
    {
        nint px = host.Address(x), pg = host.Address(gradOut), pm = host.Address(mean), pv = host.Address(var), pw = host.Address(weight),
            pgw = host.Address(gradWeight), pgb = host.Address(gradBias), pgi = host.Address(gradIn);
        NativeLoops.For(s.Channels, s.PerChannel, (begin, end) =>
        {
            float* xs = (float*)px, gs = (float*)pg;
            for (int c = begin; c < end; c++)
            {
                float mu = ((float*)pm)[c];
                double sumG = 0, sumGx = 0;
                for (int n = 0; n < s.Batch; n++)
                {
                    long o = ((long)n * s.Channels + c) * s.Inner;
                    sumG += Sum(gs + o, s.Inner);
                    sumGx += SumGradientTimesDeviation(gs + o, xs + o, s.Inner, mu);
                }
                ((float*)pgb)[c] = (float)sumG;
                ((float*)pgw)[c] = (float)(sumGx / Math.Sqrt(((float*)pv)[c] + (double)eps));
            }
        });
        float centre = training ? 1f : 0f;
        NativeLoops.For(s.Batch * s.Channels, s.Inner, (begin, end) =>
        {
            for (int row = begin; row < end; row++)
            {
                int c = row % s.Channels;
                float invStd = 1f / MathF.Sqrt(((float*)pv)[c] + eps);
                float mu = ((float*)pm)[c], w = ((float*)pw)[c], m = s.PerChannel;
                float gb = ((float*)pgb)[c], gw = ((float*)pgw)[c];
                float* xs = (float*)px + (long)row * s.Inner, gs = (float*)pg + (long)row * s.Inner;
                float* gi = (float*)pgi + (long)row * s.Inner;
                int k = 0;
                // The scalar loop's operations in its order, 8 at a time.
                for (; k + 8 <= s.Inner; k += 8)
                {
                    var xHat = (Vector256.Load(xs + k) - Vector256.Create(mu)) * invStd;
                    var shift = centre * (Vector256.Create(gb / m) + xHat * gw / Vector256.Create(m));
                    Vector256.Store(w * invStd * (Vector256.Load(gs + k) - shift), gi + k);
                }
                for (; k < s.Inner; k++)
                {
                    float xHat = (xs[k] - mu) * invStd;
                    float shift = centre * (gb / m + xHat * gw / m);
                    gi[k] = w * invStd * (gs[k] - shift);
                }
            }
        });
    }

    /// <summary>Σ x[k] in double, 8 floats a step (4 independent lanes per accumulator).</summary>
    static double Sum(float* x, int n)
    {
        Vector256<double> lo = default, hi = default;
        int k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var v = Vector256.Load(x + k);
            lo += Avx.ConvertToVector256Double(v.GetLower());
            hi += Avx.ConvertToVector256Double(v.GetUpper());
        }
        double sum = Vector256.Sum(lo + hi);
        for (; k < n; k++)
            sum += x[k];
        return sum;
    }

    /// <summary>Σ (x[k] − mu)² in double, each deviation and its square taken in float (as PyTorch).</summary>
    static double SumSquaredDeviations(float* x, int n, float mu)
    {
        Vector256<double> lo = default, hi = default;
        var m = Vector256.Create(mu);
        int k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var dev = Vector256.Load(x + k) - m;
            var squared = dev * dev;
            lo += Avx.ConvertToVector256Double(squared.GetLower());
            hi += Avx.ConvertToVector256Double(squared.GetUpper());
        }
        double sum = Vector256.Sum(lo + hi);
        for (; k < n; k++)
        {
            float dev = x[k] - mu;
            sum += dev * dev;
        }
        return sum;
    }

    /// <summary>Σ g[k]·(x[k] − mu) in double, the difference taken in float.</summary>
    static double SumGradientTimesDeviation(float* g, float* x, int n, float mu)
    {
        Vector256<double> lo = default, hi = default;
        int k = 0;
        for (; k + 8 <= n; k += 8)
        {
            var gv = Vector256.Load(g + k);
            var dev = Vector256.Load(x + k) - Vector256.Create(mu);
            lo += Avx.ConvertToVector256Double(gv.GetLower()) * Avx.ConvertToVector256Double(dev.GetLower());
            hi += Avx.ConvertToVector256Double(gv.GetUpper()) * Avx.ConvertToVector256Double(dev.GetUpper());
        }
        double sum = Vector256.Sum(lo + hi);
        for (; k < n; k++)
            sum += (double)g[k] * (x[k] - mu);
        return sum;
    }
}
