namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>The channel of each element of a [N, C, ...] array.</summary>
    static int ChannelOf(HostArray x, int flat) => flat / (x.Data.Length / (x.Shape[0] * x.Shape[1])) % x.Shape[1];

    /// <summary>Per channel of x [N, C, ...]: the mean and the biased variance over every other dimension.</summary>
    public static (double[] Mean, double[] Var, int Count) ChannelStats(HostArray x)
    {
        int c = x.Shape[1], count = x.Data.Length / c;
        var mean = new double[c];
        var var = new double[c];
        for (int i = 0; i < x.Data.Length; i++)
            mean[ChannelOf(x, i)] += x.Data[i] / count;
        for (int i = 0; i < x.Data.Length; i++)
        {
            double d = x.Data[i] - mean[ChannelOf(x, i)];
            var[ChannelOf(x, i)] += d * d / count;
        }
        return (mean, var, count);
    }

    /// <summary>
    /// torch.nn.functional.batch_norm: (x − mean)/√(var + eps)·weight + bias per channel, with the batch
    /// statistics (biased variance) when <paramref name="training"/>, else the running ones.
    /// </summary>
    public static HostArray BatchNorm(HostArray x, HostArray? runningMean, HostArray? runningVar, HostArray? weight,
        HostArray? bias, bool training, double eps = 1e-5)
    {
        var (mean, var) = training ? (ChannelStats(x).Mean, ChannelStats(x).Var) : (runningMean!.Data, runningVar!.Data);
        return new HostArray(x.Shape, x.Data.Select((v, i) =>
        {
            int c = ChannelOf(x, i);
            return (v - mean[c]) / Math.Sqrt(var[c] + eps) * (weight?.Data[c] ?? 1) + (bias?.Data[c] ?? 0);
        }).ToArray());
    }

    /// <summary>
    /// The running statistics after one training batch, concatenated [mean..., var...]:
    /// (1 − momentum)·running + momentum·batch, with the unbiased batch variance (as PyTorch).
    /// </summary>
    public static HostArray RunningStats(HostArray x, HostArray runningMean, HostArray runningVar, double momentum)
    {
        var (mean, var, count) = ChannelStats(x);
        var m = runningMean.Data.Select((r, c) => (1 - momentum) * r + momentum * mean[c]);
        var v = runningVar.Data.Select((r, c) => (1 - momentum) * r + momentum * var[c] * count / (count - 1));
        return new HostArray([2 * mean.Length], [.. m, .. v]);
    }

    /// <summary>log(softmax(x)) along <paramref name="dim"/>, shifted by the maximum so large logits do not overflow.</summary>
    public static HostArray LogSoftmax(HostArray x, int dim)
    {
        int size = x.Shape[dim], inner = x.Shape.Skip(dim + 1).Aggregate(1, (a, b) => a * b);
        var y = new HostArray(x.Shape);
        for (int outer = 0; outer < x.Data.Length / (size * inner); outer++)
            for (int k = 0; k < inner; k++)
            {
                int At(int i) => (outer * size + i) * inner + k;
                double max = Enumerable.Range(0, size).Max(i => x.Data[At(i)]);
                double logSum = max + Math.Log(Enumerable.Range(0, size).Sum(i => Math.Exp(x.Data[At(i)] - max)));
                for (int i = 0; i < size; i++)
                    y.Data[At(i)] = x.Data[At(i)] - logSum;
            }
        return y;
    }

    /// <summary>torch.nn.functional.nll_loss of logProbs [N, C] at integer targets [N]: −Σ logProbs[i, t_i], averaged over the rows not ignored when <paramref name="mean"/>.</summary>
    public static HostArray NllLoss(HostArray logProbs, HostArray target, bool mean, int ignoreIndex = -100)
    {
        int classes = logProbs.Shape[1];
        var rows = Enumerable.Range(0, target.Data.Length).Where(i => (int)target.Data[i] != ignoreIndex).ToArray();
        double sum = -rows.Sum(i => logProbs.Data[i * classes + (int)target.Data[i]]);
        return HostArray.Scalar(mean ? sum / rows.Length : sum);
    }

    /// <summary>
    /// QSPARSE's Q(x, N, d) = clamp(trunc(x·2^d), −2^(N−1), 2^(N−1) − 1)·2^−d with d = decimals[channel]
    /// (channel along <paramref name="channelIndex"/>, one d for all when negative); round half to even
    /// instead of truncating when <paramref name="nearest"/>. Exact in float64 for float32 inputs.
    /// </summary>
    public static HostArray Quantize(HostArray x, int bits, HostArray decimals, int channelIndex, bool nearest = false)
    {
        int inner = channelIndex < 0 ? x.Data.Length : x.Shape.Skip(channelIndex + 1).Aggregate(1, (a, b) => a * b);
        int channels = channelIndex < 0 ? 1 : x.Shape[channelIndex];
        double lo = -Math.Pow(2, bits - 1), hi = Math.Pow(2, bits - 1) - 1;
        return new HostArray(x.Shape, x.Data.Select((v, i) =>
        {
            double scale = Math.Pow(2, decimals.Data[i / inner % channels]);
            double q = nearest ? Math.Round(v * scale, MidpointRounding.ToEven) : Math.Truncate(v * scale);
            // NOTE: + 0.0 turns a code of −0 into +0, as the library's (and the reference's) int cast does.
            return Math.Clamp(q, lo, hi) / scale + 0.0;
        }).ToArray());
    }

    /// <summary>The quantizer's straight-through gradient: gradOut clipped to [−2^(N−1), 2^(N−1) − 1]·2^−d per channel.</summary>
    public static HostArray QuantizeGradient(HostArray gradOut, int bits, HostArray decimals, int channelIndex)
    {
        int inner = channelIndex < 0 ? gradOut.Data.Length : gradOut.Shape.Skip(channelIndex + 1).Aggregate(1, (a, b) => a * b);
        int channels = channelIndex < 0 ? 1 : gradOut.Shape[channelIndex];
        return new HostArray(gradOut.Shape, gradOut.Data.Select((g, i) =>
        {
            double step = Math.Pow(2, -decimals.Data[i / inner % channels]);
            return Math.Clamp(g, -Math.Pow(2, bits - 1) * step, (Math.Pow(2, bits - 1) - 1) * step);
        }).ToArray());
    }
}
