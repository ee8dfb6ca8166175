using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// Compares autograd gradients with central finite differences. The loss is sum(f(x)·w) with a
/// fixed random w, so every output element matters; differences are formed in float64 on the host
/// from float32 forward passes.
/// </summary>
public static class GradCheck
{
    public static void Check(Device device, Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-2,
        double rtol = 2e-2, double atol = 2e-3, string what = "")
    {
        using var scope = new TensorScope();
        var hostInputs = inputs.Select(t => t.ToArray<float>()).ToArray();
        var leaves = inputs.Select((t, i) => Tensor.FromArray(device, hostInputs[i], t.Shape).RequiresGrad_()).ToArray();
        var output = f(leaves);
        var weights = Tensor.Rand(device, output.Shape, new Generator(1234), -1, 1);
        output.Mul(weights).Sum().Backward();

        double Loss(int which, float[] values)
        {
            using var s = new TensorScope();
            using var noGrad = Autograd.NoGrad();
            var args = inputs.Select((t, i) => Tensor.FromArray(device, i == which ? values : hostInputs[i], t.Shape)).ToArray();
            var y = f(args).ToArray<float>();
            var w = weights.ToArray<float>();
            double sum = 0;
            for (int k = 0; k < y.Length; k++)
                sum += (double)y[k] * w[k];
            return sum;
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            var analytic = leaves[i].Grad?.ToArray<float>() ?? new float[inputs[i].Numel];
            for (int k = 0; k < hostInputs[i].Length; k++)
            {
                var plus = (float[])hostInputs[i].Clone();
                var minus = (float[])hostInputs[i].Clone();
                plus[k] += (float)eps;
                minus[k] -= (float)eps;
                double numeric = (Loss(i, plus) - Loss(i, minus)) / ((double)plus[k] - minus[k]);
                double tolerance = atol + rtol * Math.Abs(numeric);
                Assert.That(analytic[k], Is.EqualTo(numeric).Within(tolerance),
                    $"{what}: d/d input {i} element {k}: autograd {analytic[k]}, finite difference {numeric}");
            }
        }
    }
}
