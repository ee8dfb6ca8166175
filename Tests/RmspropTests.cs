using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// RMSprop's variants the golden case leaves out (weight decay, momentum, centered) against a float64 host
/// reference of torch/optim/rmsprop.py's update, written out here.
/// </summary>
public class RmspropTests(string kind) : DeviceTest(kind)
{
    [TestCase(0.0, 0.0, false)]
    [TestCase(0.01, 0.9, false)]
    [TestCase(0.0, 0.0, true)]
    [TestCase(0.01, 0.5, true)]
    public void MatchesAFloat64Reference(double weightDecay, double momentum, bool centered)
    {
        const double lr = 0.01, alpha = 0.9, eps = 1e-8;
        var start = Tensor.Randn(Device, [33], new Generator(8)).ToArray<float>();
        var grads = Enumerable.Range(0, 3).Select(i => Tensor.Randn(Device, [33], new Generator((ulong)(20 + i))).ToArray<float>()).ToArray();
        var p = Tensor.FromArray(Device, start, start.Length).RequiresGrad_();
        using var opt = new RMSprop([p], lr, alpha, eps, weightDecay, momentum, centered);

        var w = start.Select(v => (double)v).ToArray();
        double[] sa = new double[w.Length], buf = new double[w.Length], ga = new double[w.Length];
        foreach (var grad in grads)
        {
            p.Grad = Tensor.FromArray(Device, grad, grad.Length);
            opt.Step();
            for (int i = 0; i < w.Length; i++)
            {
                double g = grad[i] + weightDecay * w[i];
                sa[i] = alpha * sa[i] + (1 - alpha) * g * g;
                double avg;
                if (centered)
                {
                    ga[i] = alpha * ga[i] + (1 - alpha) * g;
                    avg = Math.Sqrt(sa[i] - ga[i] * ga[i]) + eps;
                }
                else
                    avg = Math.Sqrt(sa[i]) + eps;
                if (momentum > 0)
                {
                    buf[i] = momentum * buf[i] + g / avg;
                    w[i] -= lr * buf[i];
                }
                else
                    w[i] -= lr * g / avg;
            }
        }
        Tolerance.AssertClose(p.ToArray<float>(), w.Select(v => (float)v).ToArray(), 1e-5, 1e-6,
            $"rmsprop(weight_decay={weightDecay}, momentum={momentum}, centered={centered}) after 3 steps");
        var names = opt.StateDict().Select(kv => kv.Key).ToArray();
        var expected = new List<string> { "state.0.step", "state.0.square_avg" };
        if (momentum > 0)
            expected.Add("state.0.momentum_buffer");
        if (centered)
            expected.Add("state.0.grad_avg");
        Assert.That(names, Is.EqualTo(expected), "state names in PyTorch's order");
    }
}
