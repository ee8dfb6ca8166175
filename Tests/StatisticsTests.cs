using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Device selection against a host sort: k-th smallest and quantiles, whole tensor and per row.</summary>
public class StatisticsTests(string kind) : DeviceTest(kind)
{
    /// <summary>torch.quantile on a host-sorted array, with torch's float32 position and lerp.</summary>
    internal static float HostQuantile(float[] sorted, double fraction)
    {
        float pos = (float)fraction * (sorted.Length - 1);
        int below = (int)pos, above = Math.Min((int)MathF.Ceiling(pos), sorted.Length - 1);
        float w = pos - below, a = sorted[below], b = sorted[above];
        return below == above ? a : w < 0.5f ? a + w * (b - a) : b - (b - a) * (1f - w);
    }

    static float[] RandomValues(int n, int seed, int distinct)
    {
        var rng = new Random(seed);
        // Few distinct values force duplicates; include negatives, zeros of both signs and infinities.
        float[] pool = Enumerable.Range(0, distinct).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        pool[0] = -0f;
        if (distinct > 3)
        {
            pool[1] = 0f;
            pool[2] = float.NegativeInfinity;
            pool[3] = float.PositiveInfinity;
        }
        return Enumerable.Range(0, n).Select(_ => pool[rng.Next(distinct)]).ToArray();
    }

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(7, 3)]
    [TestCase(101, 1000)]
    [TestCase(4099, 17)]
    [TestCase(65537, 1_000_000)]
    [TestCase(1 << 20, 1_000_000)]
    public void KthSmallestMatchesHostSort(int n, int distinct)
    {
        var values = RandomValues(n, n, distinct);
        var sorted = values.Order().ToArray();
        var x = Tensor.FromArray(Device, values, n);
        var rng = new Random(1);
        foreach (int k in new[] { 0, n - 1, n / 2, rng.Next(n), rng.Next(n) })
        {
            float actual = (float)Statistics.KthSmallest(x, k).Item();
            Assert.That(actual, Is.EqualTo(sorted[k]), $"k = {k} of {n}");
        }
        var fractions = new[] { 0, 1e-4, 0.1, 0.25, 0.5, 0.7, 0.9999, 1 };
        var q = Statistics.Quantile(x, fractions).ToArray<float>();
        var expected = fractions.Select(f => HostQuantile(sorted, f)).ToArray();
        Assert.That(q, Is.EqualTo(expected), $"quantiles of {n} values");
    }

    [Test]
    public void RowsSelectIndependently()
    {
        int rows = 13, length = 501;
        var values = RandomValues(rows * length, 42, 300);
        var x = Tensor.FromArray(Device, values, rows, length);
        var fractions = new[] { 0.01, 0.5, 0.99 };
        var q = Statistics.QuantileRows(x, fractions).ToArray<float>();
        var kth = Statistics.KthSmallestRows(x, 17).ToArray<float>();
        for (int r = 0; r < rows; r++)
        {
            var sorted = values.Skip(r * length).Take(length).Order().ToArray();
            Assert.That(kth[r], Is.EqualTo(sorted[17]), $"row {r}");
            for (int f = 0; f < fractions.Length; f++)
                Assert.That(q[r * fractions.Length + f], Is.EqualTo(HostQuantile(sorted, fractions[f])), $"row {r} fraction {fractions[f]}");
        }
    }

    [Test]
    public void NaNSortsLastAndPoisonsQuantiles()
    {
        var x = Tensor.FromArray(Device, new[] { 3f, float.NaN, 1f, 2f }, 4);
        Assert.That((float)Statistics.KthSmallest(x, 2).Item(), Is.EqualTo(3f));
        Assert.That(float.IsNaN((float)Statistics.KthSmallest(x, 3).Item()));
        Assert.That(Statistics.Quantile(x, [0.0, 0.5]).ToArray<float>(), Is.All.NaN);
    }

    [Test]
    public void BadArgumentsNameTheParameter()
    {
        var x = Tensor.FromArray(Device, new[] { 1f, 2f }, 2);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.KthSmallest(x, 2))!.ParamName, Is.EqualTo("k"));
        Assert.That(Assert.Throws<ArgumentException>(() => Statistics.Quantile(x, [1.5]))!.ParamName, Is.EqualTo("fractions"));
        Assert.That(Assert.Throws<ArgumentException>(() => Statistics.QuantileRows(x, [0.5]))!.ParamName, Is.EqualTo("x"));
    }
}
