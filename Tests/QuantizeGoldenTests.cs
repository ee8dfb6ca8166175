using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// LinearQuantizer against the reference: Q(x) and its clipped straight-through gradient bit for bit
/// (linear_quantize.json), and the decimal search (decimal_search.json). Every parameter comes from
/// the JSON, so new cases can be dropped in.
/// </summary>
public class QuantizeGoldenTests(string kind) : DeviceTest(kind)
{
    static JsonArray Cases(string file, string key) => Golden.Json(file)[key]!.AsArray();

    public static IEnumerable<int> QuantizeCases() => Enumerable.Range(0, Cases("linear_quantize.json", "cases").Count);

    public static IEnumerable<int> DecimalCases() => Enumerable.Range(0, Cases("decimal_search.json", "decimal_cases").Count);

    static void AssertBitExact(float[] actual, float[] expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: element count");
        for (int i = 0; i < actual.Length; i++)
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
    }

    [TestCaseSource(nameof(QuantizeCases))]
    public void ForwardAndClippedGradient(int index)
    {
        var c = Cases("linear_quantize.json", "cases")[index]!;
        var x = JsonTensor.ToDevice(Device, c["input"]!).RequiresGrad_();
        var dec = c["decimal"]!;
        float[] d = dec is JsonArray list ? list.Select(n => (float)(double)n!).ToArray() : [(float)(double)dec];
        var decimals = Tensor.FromArray(Device, d, d.Length);
        var y = new LinearQuantizer().Quantize(x, (int)c["bits"]!, decimals, (int)c["channel_index"]!);
        AssertBitExact(y.ToArray<float>(), JsonTensor.Floats(c["output"]!), $"case {index} output");
        y.Backward(JsonTensor.ToDevice(Device, c["grad_output"]!));
        AssertBitExact(x.Grad!.ToArray<float>(), JsonTensor.Floats(c["grad_input"]!), $"case {index} grad_input");
    }

    [TestCaseSource(nameof(DecimalCases))]
    public void DecimalSearch(int index)
    {
        var c = Cases("decimal_search.json", "decimal_cases")[index]!;
        var x = JsonTensor.ToDevice(Device, c["input"]!);
        var range = c["decimal_range"]!.AsArray();
        var saturate = c["saturate_range"]!.AsArray();
        var d = new LinearQuantizer().SearchDecimal([x], (int)c["bits"]!, -1, ((int)range[0]!, (int)range[1]!),
            ((double)saturate[0]!, (double)saturate[1]!));
        Assert.That(d.ToArray<float>(), Is.EqualTo(new[] { (float)(double)c["decimal"]! }), $"case {index}");
    }

    [Test]
    public void QuantileCases()
    {
        foreach (var c in Cases("decimal_search.json", "quantile_cases"))
        {
            var x = JsonTensor.ToDevice(Device, c!["input"]!);
            var fractions = c["fractions"]!.AsArray().Select(n => (double)n!).ToArray();
            var q = Statistics.Quantile(x, fractions).ToArray<float>();
            var expected = c["quantiles"]!.AsArray().Select(n => (float)(double)n!).ToArray();
            Tolerance.AssertClose(q, expected, 1e-6, 0, $"quantiles of {x.Numel} values");
        }
    }
}
