namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>
    /// x [N, C, ...] cut into consecutive segments of <paramref name="length"/> elements, each normalised by its own
    /// mean and biased variance, then ·weight + bias per channel (1 and 0 when null).
    /// </summary>
    static HostArray NormalizeSegments(HostArray x, int length, HostArray? weight, HostArray? bias, double eps)
    {
        var y = new HostArray(x.Shape);
        for (int start = 0; start < x.Data.Length; start += length)
        {
            var segment = x.Data.AsSpan(start, length).ToArray();
            double mean = segment.Average(), var = segment.Sum(v => (v - mean) * (v - mean)) / length;
            for (int i = start; i < start + length; i++)
            {
                int c = ChannelOf(x, i);
                y.Data[i] = (x.Data[i] - mean) / Math.Sqrt(var + eps) * (weight?.Data[c] ?? 1) + (bias?.Data[c] ?? 0);
            }
        }
        return y;
    }

    /// <summary>torch.nn.functional.instance_norm with the input's statistics: each (sample, channel) plane of x [N, C, ...] normalised on its own.</summary>
    public static HostArray InstanceNorm(HostArray x, HostArray? weight, HostArray? bias, double eps = 1e-5) =>
        NormalizeSegments(x, x.Data.Length / (x.Shape[0] * x.Shape[1]), weight, bias, eps);

    /// <summary>torch.nn.functional.group_norm: each (sample, group of C/groups consecutive channels) of x [N, C, ...] normalised on its own.</summary>
    public static HostArray GroupNorm(HostArray x, int groups, HostArray? weight, HostArray? bias, double eps = 1e-5) =>
        NormalizeSegments(x, x.Data.Length / (x.Shape[0] * groups), weight, bias, eps);

    /// <summary>
    /// instance_norm's running statistics after one training batch, [mean..., var...]: per channel
    /// (1 − momentum)·running + momentum·(the planes' means, and unbiased variances, averaged over N).
    /// </summary>
    public static HostArray InstanceNormRunningStats(HostArray x, HostArray runningMean, HostArray runningVar, double momentum)
    {
        int n = x.Shape[0], c = x.Shape[1], plane = x.Data.Length / (n * c);
        var mean = new double[c];
        var var = new double[c];
        for (int p = 0; p < n * c; p++)
        {
            var values = x.Data.AsSpan(p * plane, plane).ToArray();
            double mu = values.Average();
            mean[p % c] += mu / n;
            var[p % c] += values.Sum(v => (v - mu) * (v - mu)) / (plane - 1) / n;
        }
        var m = runningMean.Data.Select((r, k) => (1 - momentum) * r + momentum * mean[k]);
        var v = runningVar.Data.Select((r, k) => (1 - momentum) * r + momentum * var[k]);
        return new HostArray([2 * c], [.. m, .. v]);
    }
}
