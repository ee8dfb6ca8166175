using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// LinearQuantizer beyond the golden cases and the op table: round-to-nearest,
/// the channel-wise search (multi-tensor window, per-channel saturation) against a host reference,
/// and argument errors.
/// </summary>
public class LinearQuantizerTests(string kind) : DeviceTest(kind)
{
    /// <summary>Q on the host: clamp(trunc or round(x·2^d), -2^(N-1), 2^(N-1)-1)·2^-d.</summary>
    static float HostQ(float x, int bits, int d, bool nearest)
    {
        float s = MathF.Pow(2, d), q = x * s;
        q = nearest ? MathF.Round(q, MidpointRounding.ToEven) : MathF.Truncate(q);
        q = Math.Clamp(q, -MathF.Pow(2, bits - 1), MathF.Pow(2, bits - 1) - 1);
        return (int)q / s;
    }

    [Test]
    public void RoundingNearestRoundsHalfToEven()
    {
        var x = Tensor.FromArray(Device, new[] { 0.3f, -0.3f, 0.125f, 0.375f, -0.7f, 100f }, 6);
        var d = Tensor.FromArray(Device, new[] { 2f }, 1);
        var y = new LinearQuantizer(Rounding.Nearest).Quantize(x, 4, d, -1).ToArray<float>();
        Assert.That(y, Is.EqualTo(x.ToArray<float>().Select(v => HostQ(v, 4, 2, true)).ToArray()));
        Assert.That(y, Is.EqualTo(new[] { 0.25f, -0.25f, 0f, 0.5f, -0.75f, 1.75f }));
    }

    /// <summary>The reference search on the host: per channel, xs clamped to its quantiles, error in double.</summary>
    static float[] HostSearch(float[][] channels, int bits, int lo, int hi, double ql, double qu)
    {
        return channels.Select(values =>
        {
            var xs = values;
            if ((ql, qu) != (0, 1))
            {
                var q = StatisticsReference(values, [ql, qu]);
                xs = values.Select(v => Math.Min(Math.Max(v, q[0]), q[1])).ToArray();
            }
            int best = lo;
            double bestErr = double.PositiveInfinity;
            for (int d = lo; d < hi; d++)
            {
                double err = xs.Sum(v => { double e = v - HostQ(v, bits, d, false); return e * e; });
                if (err < bestErr) (best, bestErr) = (d, err);
            }
            return (float)best;
        }).ToArray();
    }

    static float[] StatisticsReference(float[] values, double[] fractions)
    {
        var sorted = values.Order().ToArray();
        return fractions.Select(f =>
        {
            float pos = (float)f * (sorted.Length - 1);
            int below = (int)pos, above = Math.Min((int)MathF.Ceiling(pos), sorted.Length - 1);
            float w = pos - below, a = sorted[below], b = sorted[above];
            return below == above ? a : w < 0.5f ? a + w * (b - a) : b - (b - a) * (1f - w);
        }).ToArray();
    }

    [TestCase(1, 0.0, 1.0)]
    [TestCase(1, 0.05, 0.95)]
    [TestCase(0, 0.2, 0.9)]
    [TestCase(2, 0.0, 1.0)]
    [TestCase(-1, 0.01, 0.99)]
    public void ChannelwiseSearchMatchesHost(int channelIndex, double ql, double qu)
    {
        // A window of three [2, 4, 5, 3] tensors whose channels have very different scales.
        var shape = new[] { 2, 4, 5, 3 };
        var window = Enumerable.Range(0, 3).Select(i =>
        {
            var t = Tensor.Randn(Device, shape, new Generator((ulong)(10 + i)));
            var scale = Tensor.FromArray(Device, new[] { 0.01f, 1f, 30f, 0.2f }, 1, 4, 1, 1);
            return t.Mul(scale);
        }).ToArray();
        int bits = 8, lo = 0, hi = 20;
        var d = new LinearQuantizer().SearchDecimal(window, bits, channelIndex, (lo, hi), (ql, qu)).ToArray<float>();

        var hosts = window.Select(t => t.ToArray<float>()).ToArray();
        int channels = channelIndex < 0 ? 1 : shape[channelIndex];
        int inner = channelIndex < 0 ? 1 : shape[(channelIndex + 1)..].Aggregate(1, (a, b) => a * b);
        var perChannel = Enumerable.Range(0, channels).Select(c =>
            hosts.SelectMany(h => h.Where((_, i) => channelIndex < 0 || i / inner % channels == c)).ToArray()).ToArray();
        Assert.That(d, Is.EqualTo(HostSearch(perChannel, bits, lo, hi, ql, qu)));
    }

    [Test]
    public void BadArgumentsNameTheParameter()
    {
        var q = new LinearQuantizer();
        var x = Tensor.Rand(Device, [3, 4], new Generator(1));
        var d1 = Tensor.FromArray(Device, new[] { 2f }, 1);
        string Param(TestDelegate f) => Assert.Throws<ArgumentException>(f)!.ParamName!;
        Assert.That(Param(() => q.Quantize(x, 1, d1, -1)), Is.EqualTo("bits"));
        Assert.That(Param(() => q.Quantize(x, 32, d1, -1)), Is.EqualTo("bits"));
        Assert.That(Param(() => q.Quantize(x, 8, d1, 2)), Is.EqualTo("channelIndex"));
        Assert.That(Param(() => q.Quantize(x, 8, d1, 1)), Is.EqualTo("decimals"));
        Assert.That(Param(() => q.SearchDecimal([x], 8, -1, (5, 5), (0, 1))), Is.EqualTo("decimalRange"));
        Assert.That(Param(() => q.SearchDecimal([x], 8, -1, (0, 20), (0.6, 0.4))), Is.EqualTo("saturateRange"));
        Assert.That(Param(() => q.SearchDecimal([x], 8, -1, (0, 20), (-0.1, 1))), Is.EqualTo("saturateRange"));
        Assert.That(Param(() => q.SearchDecimal([x], 8, 2, (0, 20), (0, 1))), Is.EqualTo("channelIndex"));
        Assert.That(Param(() => q.SearchDecimal([], 8, -1, (0, 20), (0, 1))), Is.EqualTo("window"));
        Assert.That(Param(() => q.SearchDecimal([x], 40, -1, (0, 20), (0, 1))), Is.EqualTo("bits"));
    }
}
