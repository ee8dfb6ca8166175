using QSparse.Kernels;
using QSparse.Nn;
using QSparse.Tests.Ops;

namespace QSparse.Tests;

/// <summary>The activation modules' printed forms and argument checks, and the numerics behind their kernels (their gradients are rows of Tests/Ops).</summary>
public class ActivationTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void PrintedFormsArePyTorchs()
    {
        Assert.That(new Tanh(Device).ToString(), Is.EqualTo("Tanh()"));
        Assert.That(new Sigmoid(Device).ToString(), Is.EqualTo("Sigmoid()"));
        Assert.That(new ReLU6(Device).ToString(), Is.EqualTo("ReLU6()"));
        Assert.That(new Hardtanh(device: Device).ToString(), Is.EqualTo("Hardtanh(min_val=-1.0, max_val=1.0)"));
        Assert.That(new Hardtanh(-0.5, 2, Device).ToString(), Is.EqualTo("Hardtanh(min_val=-0.5, max_val=2.0)"));
        Assert.That(new SiLU(Device).ToString(), Is.EqualTo("SiLU()"));
        Assert.That(new GELU(device: Device).ToString(), Is.EqualTo("GELU(approximate='none')"));
        Assert.That(new GELU("tanh", Device).ToString(), Is.EqualTo("GELU(approximate='tanh')"));
        Assert.That(new Softmax(1, Device).ToString(), Is.EqualTo("Softmax(dim=1)"));
    }

    [Test]
    public void BadArgumentsAreNamed()
    {
        Assert.That(() => new Hardtanh(1, 1, Device),
            Throws.ArgumentException.With.Message.StartsWith("Hardtanh: max_val (1.0) must be greater than min_val (1.0)"));
        Assert.That(() => new GELU("erf", Device),
            Throws.ArgumentException.With.Message.StartsWith("GELU: approximate must be 'none' or 'tanh', not 'erf'"));
    }

    /// <summary>The case of the issue: tanh composed from exp gives a NaN gradient at x = 50.</summary>
    [Test]
    public void LargeInputsGiveFiniteGradients()
    {
        float[] values = [-1e4f, -88f, -50f, 50f, 88f, 1e4f];
        foreach (var (name, op) in new (string, Func<Tensor, Tensor>)[]
        {
            ("tanh", Functional.Tanh), ("sigmoid", Functional.Sigmoid), ("silu", Functional.Silu),
            ("gelu", x => Functional.Gelu(x)), ("gelu tanh", x => Functional.Gelu(x, "tanh")),
        })
        {
            var x = Tensor.FromArray(Device, values, values.Length).RequiresGrad_();
            op(x).Sum().Backward();
            Assert.That(op(x.Detach()).ToArray<float>().Concat(x.Grad!.ToArray<float>()), Is.All.Matches<float>(float.IsFinite), name);
        }
    }

    /// <summary>The float helpers on a dense grid against float64 references, in units of the float result's last place.</summary>
    [Test]
    public void FloatHelpersAreAccurateToAFewUlp()
    {
        var grid = Enumerable.Range(-3072, 6145).Select(k => k / 256f).ToArray();
        Assert.Multiple(() =>
        {
            AssertUlps(grid, ActivationMath.Erf, HostRef.Erf, 2, "erf");
            AssertUlps(grid, ActivationMath.NormalCdf, HostRef.NormalCdf, 4, "Φ");
            AssertUlps(grid, ActivationMath.Tanh, Math.Tanh, 3, "tanh");
            AssertUlps(grid, ActivationMath.Sigmoid, HostRef.Sigmoid, 3, "sigmoid");
        });
    }

    [Test]
    public void HostErfMatchesKnownValues()
    {
        Assert.That(HostRef.Erf(0.5), Is.EqualTo(0.5204998778130465).Within(1e-15));
        Assert.That(HostRef.Erf(1), Is.EqualTo(0.8427007929497149).Within(1e-15));
        Assert.That(HostRef.Erf(-2), Is.EqualTo(-0.9953222650189527).Within(1e-15));
        Assert.That(1 - HostRef.Erf(3), Is.EqualTo(2.209049699858544e-05).Within(2e-16));
        Assert.That(HostRef.ErfcContinuedFraction(5), Is.EqualTo(1.5374597944280349e-12).Within(1e-25));
    }

    static void AssertUlps(float[] grid, Func<float, float> f, Func<double, double> reference, double maxUlps, string name)
    {
        var (worst, at) = grid.Select(x =>
        {
            double expected = reference(x);
            float e = (float)expected;
            double ulp = Math.Max(MathF.BitIncrement(MathF.Abs(e)) - MathF.Abs(e), float.Epsilon);
            return (Math.Abs(f(x) - expected) / ulp, x);
        }).MaxBy(p => p.Item1);
        Assert.That(worst, Is.LessThanOrEqualTo(maxUlps), $"{name}: {worst:G3} ulp at x = {at}");
    }
}
