using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// torch.nn.init's initialisers: Constant/Zeros/Ones exactly, the random ones against PyTorch's bounds and
/// standard deviations (closed forms written out here) and the statistics of a few thousand draws.
/// </summary>
public class InitTests(string kind) : DeviceTest(kind)
{
    // [out, in, k, k]: fan_in = 8·9 = 72, fan_out = 16·9 = 144.
    static readonly int[] ConvShape = [16, 8, 3, 3];
    const int FanIn = 72, FanOut = 144;

    Tensor Empty(params int[] shape) => Tensor.Zeros(Device, shape);

    static (double Mean, double Std) Statistics(float[] v)
    {
        double mean = v.Average(x => (double)x);
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
    }

    /// <summary>The sample mean and std of <paramref name="v"/> against N(mean, std²), within 5 standard errors.</summary>
    static void AssertNormal(float[] v, double mean, double std, string what)
    {
        var (m, s) = Statistics(v);
        Assert.That(m, Is.EqualTo(mean).Within(5 * std / Math.Sqrt(v.Length)), $"{what}: mean");
        Assert.That(s, Is.EqualTo(std).Within(5 * std / Math.Sqrt(2.0 * v.Length)), $"{what}: std");
    }

    /// <summary>Every value in [-bound, bound], both ends nearly reached, and the std of U(-bound, bound).</summary>
    static void AssertUniform(float[] v, double low, double high, string what)
    {
        Assert.That(v.All(x => x >= (float)low && x <= (float)high), $"{what}: a value outside [{low}, {high}]");
        Assert.That(v.Min(), Is.LessThan(low + 0.01 * (high - low)), $"{what}: min");
        Assert.That(v.Max(), Is.GreaterThan(high - 0.01 * (high - low)), $"{what}: max");
        AssertMoments(v, (low + high) / 2, (high - low) / Math.Sqrt(12), what);
    }

    static void AssertMoments(float[] v, double mean, double std, string what)
    {
        var (m, s) = Statistics(v);
        Assert.That(m, Is.EqualTo(mean).Within(5 * std / Math.Sqrt(v.Length)), $"{what}: mean");
        Assert.That(s, Is.EqualTo(std).Within(0.05 * std), $"{what}: std");
    }

    [Test]
    public void ConstantZerosAndOnesAreExact()
    {
        var t = Empty(3, 5);
        Assert.That(Init.Constant(t, 0.3).ToArray<float>(), Is.All.EqualTo(0.3f));
        Assert.That(Init.Ones(t).ToArray<float>(), Is.All.EqualTo(1f));
        Assert.That(Init.Zeros(t).ToArray<float>(), Is.All.EqualTo(0f));
    }

    [Test]
    public void GainsAreTorchs()
    {
        Assert.That(Init.CalculateGain(Nonlinearity.Linear), Is.EqualTo(1));
        Assert.That(Init.CalculateGain(Nonlinearity.Sigmoid), Is.EqualTo(1));
        Assert.That(Init.CalculateGain(Nonlinearity.Tanh), Is.EqualTo(5.0 / 3));
        Assert.That(Init.CalculateGain(Nonlinearity.Relu), Is.EqualTo(Math.Sqrt(2)));
        Assert.That(Init.CalculateGain(Nonlinearity.LeakyRelu), Is.EqualTo(Math.Sqrt(2 / 1.0001)).Within(1e-15));
        Assert.That(Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2), Is.EqualTo(Math.Sqrt(2 / 1.04)).Within(1e-15));
        Assert.That(Init.CalculateGain(Nonlinearity.Selu), Is.EqualTo(0.75));
    }

    [Test]
    public void UniformAndNormalHaveTheirMoments()
    {
        var g = new Generator(11);
        AssertUniform(Init.Uniform(Empty(64, 64), -0.5, 2, g).ToArray<float>(), -0.5, 2, "uniform(-0.5, 2)");
        AssertNormal(Init.Normal(Empty(64, 64), 1.5, 0.25, g).ToArray<float>(), 1.5, 0.25, "normal(1.5, 0.25)");
    }

    [Test]
    public void KaimingUsesTheFanAndGainTorchDoes()
    {
        // kaiming_uniform_(relu, fan_out): bound sqrt(6 / fan_out); leaky_relu(a=√5, fan_in): 1/sqrt(fan_in).
        Assert.That(Init.KaimingUniformBound(ConvShape, 0, FanMode.FanOut, Nonlinearity.Relu), Is.EqualTo(Math.Sqrt(6.0 / FanOut)).Within(1e-15));
        Assert.That(Init.KaimingUniformBound(ConvShape, Math.Sqrt(5)), Is.EqualTo(1 / Math.Sqrt(FanIn)).Within(1e-15));
        var g = new Generator(5);
        double bound = Math.Sqrt(6.0 / FanOut);
        var u = Enumerable.Range(0, 4).SelectMany(_ =>
            Init.KaimingUniform(Empty(ConvShape), mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu, generator: g).ToArray<float>()).ToArray();
        AssertUniform(u, -bound, bound, "kaiming_uniform_(relu, fan_out)");
        // kaiming_normal_(leaky_relu, a=0.2, fan_in): std sqrt(2 / (1 + 0.04)) / sqrt(fan_in); linear: 1 / sqrt(fan_in).
        var n = Enumerable.Range(0, 4).SelectMany(_ => Init.KaimingNormal(Empty(ConvShape), 0.2, generator: g).ToArray<float>()).ToArray();
        AssertNormal(n, 0, Math.Sqrt(2 / 1.04) / Math.Sqrt(FanIn), "kaiming_normal_(leaky_relu 0.2)");
        Assert.That(Init.KaimingStd(ConvShape, nonlinearity: Nonlinearity.Linear), Is.EqualTo(1 / Math.Sqrt(FanIn)).Within(1e-15));
    }

    [Test]
    public void XavierUsesBothFans()
    {
        var g = new Generator(9);
        double gain = Init.CalculateGain(Nonlinearity.Tanh), bound = gain * Math.Sqrt(6.0 / (FanIn + FanOut));
        var u = Enumerable.Range(0, 4).SelectMany(_ => Init.XavierUniform(Empty(ConvShape), gain, g).ToArray<float>()).ToArray();
        AssertUniform(u, -bound, bound, "xavier_uniform_(gain=5/3)");
        var n = Enumerable.Range(0, 4).SelectMany(_ => Init.XavierNormal(Empty(ConvShape), generator: g).ToArray<float>()).ToArray();
        AssertNormal(n, 0, Math.Sqrt(2.0 / (FanIn + FanOut)), "xavier_normal_");
    }

    [Test]
    public void ShortFormsMatchTheirFullForms()
    {
        var shape = new[] { 4, 6 };
        Assert.That(Init.Uniform(Empty(shape), 0.3, new Generator(4)).ToArray<float>(),
            Is.EqualTo(Init.Uniform(Empty(shape), -0.3, 0.3, new Generator(4)).ToArray<float>()));
        Assert.That(Init.KaimingUniform(Empty(shape), 0.5, new Generator(4)).ToArray<float>(),
            Is.EqualTo(Init.KaimingUniform(Empty(shape), 0.5, FanMode.FanIn, Nonlinearity.LeakyRelu, new Generator(4)).ToArray<float>()));
    }

    [Test]
    public void SameGeneratorStateGivesTheSameValues()
    {
        var a = Init.KaimingNormal(Empty(4, 6), generator: new Generator(3)).ToArray<float>();
        var b = Init.KaimingNormal(Empty(4, 6), generator: new Generator(3)).ToArray<float>();
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void BadArgumentsAreOneLineErrors()
    {
        Assert.That(() => Init.Uniform(Empty(3), 1, 0), Throws.ArgumentException.With.Message.Contains("from=1 > to=0"));
        Assert.That(() => Init.Normal(Empty(3), 0, -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("std"));
        Assert.That(() => Init.KaimingUniform(Empty(3)), Throws.ArgumentException.With.Message.Contains("at least 2 dimensions"));
    }
}
