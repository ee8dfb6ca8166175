namespace QSparse.Tests.Ops;

/// <summary>
/// Every differentiable row's autograd gradients on every device, for L = Σ y·gradOut with a fixed random gradOut.
/// </summary>
/// <remarks>
/// NOTE: the finite differences are taken of the float64 host reference (step 1e-6), not of the op in
/// float32: the difference quotient is then accurate to about 1e-9, so the only error left is the
/// device's float32 rounding, and the tolerance can be tight (1e-4 relative) without a per-op step
/// search. In float32 the quotient's own error (roundoff ~1e-7/step against truncation ~step²) limits
/// it to ~1e-3 at best. Rows without a host forward (dropout in training) difference the op itself in
/// float32 with a larger step and looser tolerance; the quantizer's straight-through rule is not a
/// derivative of its forward, so it and the large GEMMs (whose differences would cost seconds) are
/// checked against a host float64 backward instead. Each input gets at most <see cref="OpCase.GradSamples"/>
/// element-wise differences plus one directional difference along a random ±1 vector, which checks
/// every element's gradient at once (as its dot product).
/// </remarks>
public class OpGradientTests(string kind) : DeviceTest(kind)
{
    const double HostStep = 1e-6;

    public static IEnumerable<TestCaseData> Cases() => OpTable.Cases(c => c.Check != GradientCheck.None);

    [TestCaseSource(nameof(Cases))]
    public void Backward(string name)
    {
        var c = OpTable.Get(name);
        var inputs = OpRunner.Inputs(c);
        var result = OpRunner.Run(c, Device, inputs, backward: true);
        var gradOut = OpRunner.GradOut(c, result.Shape);
        if (c.Check == GradientCheck.HostBackward)
        {
            var expected = c.Backward!(inputs, gradOut);
            for (int i = 0; i < inputs.Length; i++)
                if (result.Grads[i] is { } grad)
                    OpAssert.Close(grad, expected[i]!.Data, c.Gradient, c.Scale, $"{name}: gradient of input {i}");
            return;
        }
        Func<HostArray[], double> loss = c.Check == GradientCheck.HostDifferences
            ? xs => Dot(c.Reference!(xs).Data, gradOut.Data)
            : xs => OpRunner.FloatLoss(c, Device, xs, gradOut);
        double step = c.Check == GradientCheck.HostDifferences ? HostStep : c.FloatStep;
        for (int i = 0; i < inputs.Length; i++)
            if (result.Grads[i] is { } grad)
                CheckInput(c, inputs, i, grad, loss, step);
    }

    /// <summary>The sampled element-wise differences and the directional one for input <paramref name="which"/>.</summary>
    static void CheckInput(OpCase c, HostArray[] inputs, int which, float[] grad, Func<HostArray[], double> loss, double step)
    {
        var x = inputs[which];
        string what = $"{c.Name}: gradient of input {which}";
        bool rounded = c.Check == GradientCheck.OpDifferences;
        // The change of the loss over a move of ±step·direction, and the move itself (per element).
        (double Change, double[] Move) Difference(double[] direction)
        {
            // NOTE: the op in float32 reads its inputs rounded to float32, so the move is measured after rounding.
            double Round(double v) => rounded ? (float)v : v;
            var plus = x.Data.Select((v, k) => Round(v + step * direction[k])).ToArray();
            var minus = x.Data.Select((v, k) => Round(v - step * direction[k])).ToArray();
            return (loss(With(inputs, which, plus)) - loss(With(inputs, which, minus)), plus.Select((v, k) => v - minus[k]).ToArray());
        }

        var samples = Sample(x.Data.Length, c.GradSamples);
        var numeric = new double[samples.Length];
        for (int s = 0; s < samples.Length; s++)
        {
            var unit = new double[x.Data.Length];
            unit[samples[s]] = 1;
            var (change, move) = Difference(unit);
            numeric[s] = change / move[samples[s]];
        }
        OpAssert.Close(samples.Select(k => grad[k]).ToArray(), numeric, c.Gradient, c.Scale, $"{what} (sampled elements {Describe(samples)})");

        var random = new Random(which + 101);
        var signs = x.Data.Select(_ => random.Next(2) == 0 ? -1.0 : 1.0).ToArray();
        var (total, moved) = Difference(signs);
        double directional = total / (2 * step), analytic = grad.Select((g, k) => g * moved[k]).Sum() / (2 * step);
        double tolerance = c.Gradient.Atol * c.Scale * Math.Sqrt(grad.Length) + c.Gradient.Rtol * grad.Sum(g => Math.Abs((double)g));
        Assert.That(analytic, Is.EqualTo(directional).Within(tolerance),
            $"{what}: directional derivative along ±1: autograd {analytic:R}, finite difference {directional:R}");
    }

    /// <summary>At most <paramref name="count"/> indexes spread evenly over [0, n), first and last included.</summary>
    static int[] Sample(int n, int count) =>
        n <= count ? Enumerable.Range(0, n).ToArray()
            : Enumerable.Range(0, count).Select(i => (int)((long)i * (n - 1) / (count - 1))).Distinct().ToArray();

    static string Describe(int[] samples) => samples.Length <= 8 ? string.Join(", ", samples) : $"{samples.Length} of them";

    static HostArray[] With(HostArray[] inputs, int which, double[] values) =>
        inputs.Select((x, i) => i == which ? x with { Data = values } : x).ToArray();

    static double Dot(double[] a, double[] b) => a.Select((v, k) => v * b[k]).Sum();
}
