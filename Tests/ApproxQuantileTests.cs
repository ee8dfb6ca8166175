using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The reference's chunked quantile (QSPARSE's approx_quantile) against a host implementation of the same rule,
/// identical to the exact quantile at or below the bound, and the QuantizeLayer option that selects it.
/// </summary>
public class ApproxQuantileTests(string kind) : DeviceTest(kind)
{
    /// <summary>approx_quantile on the host: chunks of bound elements (the last one the final bound), float32 sum / count.</summary>
    static float HostApproxQuantile(float[] values, double fraction, int bound)
    {
        if (values.Length <= bound)
            return StatisticsTests.HostQuantile(values.Order().ToArray(), fraction);
        int chunks = (values.Length + bound - 1) / bound;
        float sum = 0;
        for (int i = 0; i < chunks; i++)
        {
            int start = i == chunks - 1 ? values.Length - bound : i * bound;
            sum += StatisticsTests.HostQuantile(values.Skip(start).Take(bound).Order().ToArray(), fraction);
        }
        return sum / chunks;
    }

    /// <summary>Values drifting upwards along the tensor, so chunk quantiles differ from the whole tensor's.</summary>
    static float[] Drifting(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => (float)(rng.NextDouble() * 4 - 2 + 3.0 * i / n)).ToArray();
    }

    static readonly double[] Fractions = [0, 0.01, 0.25, 0.5, 0.9, 0.999, 1];

    [TestCase(1003, 100)] // 11 chunks, the last overlapping the tenth
    [TestCase(1000, 100)] // 10 chunks, no overlap
    [TestCase(1001, 1000)] // 2 chunks overlapping by 999
    public void MatchesTheReferenceRuleAboveTheBound(int n, int bound)
    {
        var values = Drifting(n, n);
        var x = Tensor.FromArray(Device, values, n);
        foreach (var f in Fractions)
        {
            float actual = (float)Statistics.ApproxQuantile(x, f, bound).Item();
            Assert.That(actual, Is.EqualTo(HostApproxQuantile(values, f, bound)), $"fraction {f} of {n} values, bound {bound}");
        }
        // The approximation is a different number: the test above cannot pass by computing the exact quantile.
        Assert.That((float)Statistics.ApproxQuantile(x, 0.5, bound).Item(),
            Is.Not.EqualTo(StatisticsTests.HostQuantile(values.Order().ToArray(), 0.5)));
    }

    [TestCase(1, 1)]
    [TestCase(500, 500)]
    [TestCase(333, 1 << 24)]
    public void IsTheExactQuantileAtOrBelowTheBound(int n, int bound)
    {
        var x = Tensor.FromArray(Device, Drifting(n, 7), n);
        var exact = Statistics.Quantile(x, Fractions).ToArray<float>();
        var approx = Fractions.Select(f => (float)Statistics.ApproxQuantile(x, f, bound).Item()).ToArray();
        Assert.That(approx, Is.EqualTo(exact));
    }

    [Test]
    public void RowsApproximateIndependently()
    {
        int rows = 3, length = 250, bound = 64;
        var values = Drifting(rows * length, 5);
        var x = Tensor.FromArray(Device, values, rows, length);
        var q = Statistics.ApproxQuantileRows(x, Fractions, bound).ToArray<float>();
        for (int r = 0; r < rows; r++)
        {
            var row = values.Skip(r * length).Take(length).ToArray();
            for (int f = 0; f < Fractions.Length; f++)
                Assert.That(q[r * Fractions.Length + f], Is.EqualTo(HostApproxQuantile(row, Fractions[f], bound)), $"row {r} fraction {Fractions[f]}");
        }
    }

    [Test]
    public void SearchClampsToTheApproximateQuantiles()
    {
        int n = 2000, bound = 300;
        var values = Drifting(n, 3).Select(v => v * 10).ToArray();
        var (ql, qu) = (0.02, 0.9);
        float lo = HostApproxQuantile(values, ql, bound), hi = HostApproxQuantile(values, qu, bound);
        var clamped = Tensor.FromArray(Device, values.Select(v => Math.Clamp(v, lo, hi)).ToArray(), n);
        var x = Tensor.FromArray(Device, values, n);
        var expected = new LinearQuantizer().SearchDecimal([clamped], 4, -1, (0, 8), (0, 1)).ToArray<float>();
        var actual = new LinearQuantizer(approxQuantileBound: bound).SearchDecimal([x], 4, -1, (0, 8), (ql, qu)).ToArray<float>();
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void QuantizeLayerOptionSelectsTheApproximation()
    {
        var layer = QSparseOps.Quantize(approxQuantileBound: 1 << 24, device: Device);
        Assert.That(layer.Callback, Is.TypeOf<LinearQuantizer>());
        Assert.That(((LinearQuantizer)layer.Callback).ApproxQuantileBound, Is.EqualTo(1 << 24));
        var nearest = new QuantizeLayer(callback: new LinearQuantizer(Rounding.Nearest), approxQuantileBound: 10, device: Device);
        Assert.That(((LinearQuantizer)nearest.Callback).Rounding, Is.EqualTo(Rounding.Nearest));
        Assert.That(((LinearQuantizer)nearest.Callback).ApproxQuantileBound, Is.EqualTo(10));
        Assert.That(((LinearQuantizer)new QuantizeLayer(device: Device).Callback).ApproxQuantileBound, Is.Null);
        var conv = QSparseOps.Quantize(new Conv2d(1, 2, 3, device: Device), approxQuantileBound: 50);
        Assert.That(((LinearQuantizer)((QuantizeLayer)conv.ParameterTransforms("weight")[0]).Callback).ApproxQuantileBound, Is.EqualTo(50));
        Assert.That(Assert.Throws<ArgumentException>(() => new QuantizeLayer(callback: new OtherQuantizer(), approxQuantileBound: 10, device: Device))!.ParamName,
            Is.EqualTo("approxQuantileBound"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new LinearQuantizer(approxQuantileBound: 0))!.ParamName,
            Is.EqualTo("approxQuantileBound"));
    }

    /// <summary>A callback other than LinearQuantizer, which the option cannot configure.</summary>
    sealed class OtherQuantizer : IQuantizeCallback
    {
        readonly LinearQuantizer inner = new();

        public Tensor Quantize(Tensor input, int bits, Tensor decimals, int channelIndex) => inner.Quantize(input, bits, decimals, channelIndex);

        public Tensor SearchDecimal(IReadOnlyList<Tensor> window, int bits, int channelIndex, (int Lo, int Hi) decimalRange,
            (double Lower, double Upper) saturateRange) => inner.SearchDecimal(window, bits, channelIndex, decimalRange, saturateRange);
    }
}
