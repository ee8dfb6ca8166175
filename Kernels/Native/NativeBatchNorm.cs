using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of <see cref="BatchNormKernels"/>: the same sums (double, fixed order per channel)
/// and formulas, with each channel's runs of Inner contiguous elements read directly.
/// </summary>
static unsafe class NativeBatchNorm
{
    public static void Stats(Device d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, bool update)
    {
        d.Synchronize();
        nint px = x.Address(), pm = mean.Address(), pv = var.Address(), prm = runningMean.Address(), prv = runningVar.Address();
        NativeLoops.For(s.Channels, s.PerChannel, (begin, end) =>
        {
            float* xs = (float*)px;
            for (int c = begin; c < end; c++)
            {
                double sum = 0;
                for (int n = 0; n < s.Batch; n++)
                {
                    float* run = xs + ((long)n * s.Channels + c) * s.Inner;
                    for (int k = 0; k < s.Inner; k++)
                        sum += run[k];
                }
                int m = s.PerChannel;
                double mu = sum / m, squares = 0;
                for (int n = 0; n < s.Batch; n++)
                {
                    float* run = xs + ((long)n * s.Channels + c) * s.Inner;
                    for (int k = 0; k < s.Inner; k++)
                    {
                        double dev = run[k] - mu;
                        squares += dev * dev;
                    }
                }
                ((float*)pm)[c] = (float)mu;
                ((float*)pv)[c] = (float)(squares / m);
                if (update)
                {
                    float* rm = (float*)prm, rv = (float*)prv;
                    rm[c] = momentum * (float)mu + (1f - momentum) * rm[c];
                    rv[c] = momentum * (float)(squares / (m - 1)) + (1f - momentum) * rv[c];
                }
            }
        });
    }

    public static void Normalize(Device d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, float eps)
    {
        d.Synchronize();
        nint px = x.Address(), pm = mean.Address(), pv = var.Address(), pw = weight.Address(), pb = bias.Address(), py = y.Address();
        NativeLoops.For(s.Batch * s.Channels, s.Inner, (begin, end) =>
        {
            for (int row = begin; row < end; row++)
            {
                int c = row % s.Channels;
                float invStd = 1f / MathF.Sqrt(((float*)pv)[c] + eps);
                float mu = ((float*)pm)[c], w = ((float*)pw)[c], b = ((float*)pb)[c];
                float* xs = (float*)px + (long)row * s.Inner, ys = (float*)py + (long)row * s.Inner;
                for (int k = 0; k < s.Inner; k++)
                    ys[k] = (xs[k] - mu) * invStd * w + b;
            }
        });
    }

    public static void Backward(Device d, ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, bool training)
    {
        d.Synchronize();
        nint px = x.Address(), pg = gradOut.Address(), pm = mean.Address(), pv = var.Address(), pw = weight.Address(),
            pgw = gradWeight.Address(), pgb = gradBias.Address(), pgi = gradIn.Address();
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
                    for (int k = 0; k < s.Inner; k++)
                    {
                        sumG += gs[o + k];
                        sumGx += (double)gs[o + k] * (xs[o + k] - mu);
                    }
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
                for (int k = 0; k < s.Inner; k++)
                {
                    float xHat = (xs[k] - mu) * invStd;
                    float shift = centre * (gb / m + xHat * gw / m);
                    gi[k] = w * invStd * (gs[k] - shift);
                }
            }
        });
    }
}
