using QSparse.Nn;

namespace QSparse.Tests.Ops;

/// <summary>
/// The optimizers' update kernels on every overriding backend against the base backend: the same
/// parameters after a few steps of the same gradients, bit for bit (an update is element-wise, and a
/// backend repeats the kernel's operations in order).
/// </summary>
public class OptimizerBackendTests
{
    static readonly Dictionary<string, Func<Tensor, Optimizer>> Optimizers = new()
    {
        ["sgd"] = p => new SGD([p], 0.1),
        ["sgd momentum dampening"] = p => new SGD([p], 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 5e-4),
        ["sgd momentum nesterov"] = p => new SGD([p], 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true),
        ["adam"] = p => new Adam([p], 0.01, weightDecay: 0.01),
        ["adadelta"] = p => new Adadelta([p], weightDecay: 0.01),
        ["adam betas"] = p => new Adam([p], 2e-4, betas: (0.5, 0.999)),
        ["adamw"] = p => new AdamW([p], 0.01, betas: (0.5, 0.99), weightDecay: 0.05),
        ["rmsprop"] = p => new RMSprop([p], weightDecay: 0.01),
        ["rmsprop centered momentum"] = p => new RMSprop([p], momentum: 0.9, centered: true),
    };

    public static IEnumerable<TestCaseData> Cases() =>
        from pair in OpBackendTests.Present()
        from name in Optimizers.Keys
        select new TestCaseData(name, pair.Overriding, pair.Base).SetName($"{name}: {pair.Overriding} against {pair.Base}");

    [TestCaseSource(nameof(Cases))]
    public void SameParametersAsBase(string name, string overriding, string baseKind)
    {
        var start = Tensor.Randn(Accelerators.Get(baseKind), [257], new Generator(3)).ToArray<float>();
        float[] Run(Device d)
        {
            var p = Tensor.FromArray(d, start, start.Length).RequiresGrad_();
            using var optimizer = Optimizers[name](p);
            for (int i = 0; i < 3; i++)
            {
                optimizer.ZeroGrad();
                (p * p * p).Sum().Backward();
                optimizer.Step();
            }
            return p.ToArray<float>();
        }
        Assert.That(Run(Accelerators.Get(overriding)), Is.EqualTo(Run(Accelerators.Get(baseKind))), $"{name}: parameters after 3 steps");
    }
}
