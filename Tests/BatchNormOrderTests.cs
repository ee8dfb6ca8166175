using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// BatchNorm normalises in PyTorch's order (alpha = w/sqrt(var + eps), beta = b - mean·alpha, y = x·alpha + beta,
/// both fused as in PyTorch's AVX2 kernels), so its outputs are PyTorch's bits, not only within a tolerance:
/// checked bit for bit on core_cases' BatchNorm2d cases (evaluation and training) and layer_cases' InstanceNorm2d, with the old order
/// ((x - mean)·rstd)·w + b shown to round differently on those same inputs.
/// </summary>
public class BatchNormOrderTests(string kind) : DeviceTest(kind)
{
    static readonly GoldenCases Cases = GoldenCases.Core;

    /// <summary>BatchNorm2d case <paramref name="name"/> run forward from its stored initial state: the output's floats.</summary>
    float[] Forward(string name)
    {
        var bn = new BatchNorm2d((int)Cases.Case(name)["params"]!["features"]!, device: Device);
        bn.LoadStateDict(Cases.Group(name, "init"));
        if ((string?)Cases.Case(name)["mode"] == "eval")
            bn.Eval();
        return bn.Forward(Cases.Load(Device, name, "x")).ToArray<float>();
    }

    static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [TestCase("bn2d_eval")]
    [TestCase("bn2d")]
    public void OutputIsPyTorchsBits(string name) =>
        Assert.That(Bits(Forward(name)), Is.EqualTo(Bits(Cases.Stored[$"{name}.y"].AsFloats())), name);

    /// <summary>
    /// Instance normalisation is batch normalisation of [1, N·C, H, W] (as in PyTorch), so layer_cases' InstanceNorm2d
    /// outputs are PyTorch's bits too: this needs the statistics in PyTorch's precision as well (deviations from
    /// the float mean squared in float, the variance divided in float), not only the order.
    /// </summary>
    [TestCase("instancenorm2d")]
    [TestCase("instancenorm2d_affine")]
    public void InstanceNormOutputIsPyTorchsBits(string name)
    {
        var cases = GoldenCases.Layer;
        var p = cases.Case(name)["params"]!;
        var norm = new InstanceNorm2d((int)p["features"]!, affine: (bool)p["affine"]!, device: Device);
        var init = cases.Group(name, "init");
        if (init.Count > 0)
            norm.LoadStateDict(init);
        var y = norm.Forward(cases.Load(Device, name, "x")).ToArray<float>();
        Assert.That(Bits(y), Is.EqualTo(Bits(cases.Stored[$"{name}.y"].AsFloats())), name);
    }

    /// <summary>
    /// The evaluation case's running statistics normalised in the old order, in float on the host: some outputs
    /// land on another float than PyTorch's, so the bit-exact test above tells the two orders apart.
    /// </summary>
    [Test]
    public void OldOrderRoundsDifferentlyOnTheEvalCase()
    {
        const string name = "bn2d_eval";
        var x = Cases.Stored[$"{name}.x"];
        float[] xs = x.AsFloats(), expected = Cases.Stored[$"{name}.y"].AsFloats();
        float[] mean = Cases.Stored[$"{name}.init.running_mean"].AsFloats(), var = Cases.Stored[$"{name}.init.running_var"].AsFloats();
        float[] w = Cases.Stored[$"{name}.init.weight"].AsFloats(), b = Cases.Stored[$"{name}.init.bias"].AsFloats();
        int inner = x.Shape[2] * x.Shape[3], channels = x.Shape[1];
        int differing = Enumerable.Range(0, xs.Length).Count(i =>
        {
            int c = i / inner % channels;
            float rstd = 1f / MathF.Sqrt(var[c] + 1e-5f);
            return (xs[i] - mean[c]) * rstd * w[c] + b[c] != expected[i];
        });
        Assert.That(differing, Is.GreaterThan(0), "the old order gives PyTorch's bits everywhere: the bit-exact test would not tell the orders apart");
    }
}
