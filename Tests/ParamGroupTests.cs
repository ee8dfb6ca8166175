using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// Parameter groups (PyTorch's param_groups): a group's options override the optimizer's defaults, so one
/// optimizer over two groups steps each exactly as a separate optimizer with that group's options would;
/// state is numbered across the groups and survives a checkpoint.
/// </summary>
public class ParamGroupTests(string kind) : DeviceTest(kind)
{
    Tensor Param(int seed, int n) => Tensor.Randn(Device, [n], new Generator((ulong)seed)).RequiresGrad_();

    static void Backward(params Tensor[] ps)
    {
        foreach (var p in ps)
            (p * p * p).Sum().Backward();
    }

    /// <summary><paramref name="grouped"/> over (a, b) against <paramref name="alone"/> optimizers, one per tensor, for 3 steps: bit for bit.</summary>
    void AssertGroupsStepAsSeparateOptimizers(Func<Tensor, Tensor, Optimizer> grouped, Func<Tensor, Optimizer> aloneA, Func<Tensor, Optimizer> aloneB)
    {
        Tensor a1 = Param(1, 7), b1 = Param(2, 5), a2 = Param(1, 7), b2 = Param(2, 5);
        using var both = grouped(a1, b1);
        using var optA = aloneA(a2);
        using var optB = aloneB(b2);
        for (int i = 0; i < 3; i++)
        {
            both.ZeroGrad();
            optA.ZeroGrad();
            optB.ZeroGrad();
            Backward(a1, b1, a2, b2);
            both.Step();
            optA.Step();
            optB.Step();
        }
        Assert.That(a1.ToArray<float>(), Is.EqualTo(a2.ToArray<float>()), "first group");
        Assert.That(b1.ToArray<float>(), Is.EqualTo(b2.ToArray<float>()), "second group");
    }

    [Test]
    public void SgdGroupsOverrideLrMomentumAndWeightDecay() => AssertGroupsStepAsSeparateOptimizers(
        (a, b) => new SGD([new ParamGroup([a], lr: 0.1, weightDecay: 0.01), new ParamGroup([b], momentum: 0)], lr: 0.01, momentum: 0.9),
        a => new SGD([a], 0.1, momentum: 0.9, weightDecay: 0.01),
        b => new SGD([b], 0.01));

    [Test]
    public void AdamWAndRmspropGroupsOverrideTheirOptions()
    {
        AssertGroupsStepAsSeparateOptimizers(
            (a, b) => new AdamW([new ParamGroup([a], betas: (0.5, 0.9)), new ParamGroup([b], weightDecay: 0.1, eps: 1e-6)], lr: 0.01),
            a => new AdamW([a], 0.01, betas: (0.5, 0.9)),
            b => new AdamW([b], 0.01, weightDecay: 0.1, eps: 1e-6));
        AssertGroupsStepAsSeparateOptimizers(
            (a, b) => new RMSprop([new ParamGroup([a], centered: true, momentum: 0.5), new ParamGroup([b], alpha: 0.9)]),
            a => new RMSprop([a], centered: true, momentum: 0.5),
            b => new RMSprop([b], alpha: 0.9));
    }

    [Test]
    public void LrIsSetPerGroupOrForAll()
    {
        Tensor a = Param(1, 3), b = Param(2, 3);
        using var opt = new SGD([new ParamGroup([a], lr: 0.1), new ParamGroup([b])], lr: 0.01);
        Assert.That(opt.ParamGroups.Select(g => g.Lr), Is.EqualTo(new double?[] { 0.1, 0.01 }));
        Assert.That(() => opt.Lr, Throws.InvalidOperationException.With.Message.Contains("different learning rates"));
        opt.ParamGroups[1].Lr = 0.05;
        Assert.That(opt.ParamGroups[1].Lr, Is.EqualTo(0.05));
        opt.Lr = 0.2;
        Assert.That(opt.Lr, Is.EqualTo(0.2));
        Assert.That(() => opt.ParamGroups[0].Lr = -1, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("lr"));
    }

    [Test]
    public void StateIsNumberedAcrossGroupsAndResumesFromACheckpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qsparse-groups-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = new Sequential(new Linear(3, 2, device: Device, generator: new Generator(1)), new Linear(2, 2, device: Device, generator: new Generator(2)));
            var copy = new Sequential(new Linear(3, 2, device: Device), new Linear(2, 2, device: Device));
            copy.LoadStateDict(model.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value)));
            // The first layer's weight and bias with momentum, the second's centered.
            static RMSprop Build(Module m)
            {
                var layers = m.NamedChildren().Select(c => c.Module.Parameters()).ToArray();
                return new([new ParamGroup(layers[0], momentum: 0.9), new ParamGroup(layers[1], centered: true)], lr: 0.01);
            }
            using var opt = Build(model);
            var x = Tensor.Randn(Device, [4, 3], new Generator(3));
            void Train(Module m, Optimizer o)
            {
                o.ZeroGrad();
                var y = m.Call(x);
                (y * y).Sum().Backward();
                o.Step();
            }
            Train(model, opt);
            Assert.That(opt.StateDict().Select(kv => kv.Key), Is.EqualTo(new[]
            {
                "state.0.step", "state.0.square_avg", "state.0.momentum_buffer", "state.1.step", "state.1.square_avg", "state.1.momentum_buffer",
                "state.2.step", "state.2.square_avg", "state.2.grad_avg", "state.3.step", "state.3.square_avg", "state.3.grad_avg",
            }));
            Checkpoint.Save(path, model, opt);
            Train(model, opt);

            using var resumed = Build(copy);
            Checkpoint.Load(path, copy, resumed);
            Train(copy, resumed);
            var expected = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
            foreach (var (key, value) in copy.StateDict())
                Assert.That(value.ToArray<float>(), Is.EqualTo(expected[key]), key);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void BadGroupsAreOneLineErrors()
    {
        Tensor a = Param(1, 3), b = Param(2, 3);
        Assert.That(() => new SGD([new ParamGroup([a], betas: (0.9, 0.99))], lr: 0.1),
            Throws.ArgumentException.With.Message.EqualTo("param group 0: SGD has no option 'betas' (Parameter 'ParamGroup')"));
        Assert.That(() => new SGD([new ParamGroup([a]), new ParamGroup([a, b])], lr: 0.1),
            Throws.ArgumentException.With.Message.Contains("more than one parameter group"));
        Assert.That(() => new Adam([new ParamGroup([a]), new ParamGroup([b], betas: (0.9, 1.0))]),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("betas"));
        Assert.That(() => new SGD([new ParamGroup([a], lr: -0.1)], lr: 0.1),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("lr"));
    }

    [Test]
    public void AddedGroupTakesTheDefaultsIsNumberedAfterAndStepsAsAnOptimizerOfItsOwn()
    {
        Tensor a1 = Param(1, 7), b1 = Param(2, 5), a2 = Param(1, 7), b2 = Param(2, 5);
        using var grown = new SGD([a1], lr: 0.05, momentum: 0.9, weightDecay: 0.01);
        using var optA = new SGD([a2], lr: 0.05, momentum: 0.9, weightDecay: 0.01);
        using var optB = new SGD([b2], lr: 0.2, momentum: 0.9, weightDecay: 0.01);
        for (int i = 0; i < 4; i++)
        {
            if (i == 2)
                grown.AddParamGroup(new ParamGroup([b1], lr: 0.2));
            grown.ZeroGrad();
            optA.ZeroGrad();
            optB.ZeroGrad();
            Backward(a1, b1, a2, b2);
            grown.Step();
            optA.Step();
            if (i >= 2)
                optB.Step();
        }
        Assert.That(a1.ToArray<float>(), Is.EqualTo(a2.ToArray<float>()), "first group");
        Assert.That(b1.ToArray<float>(), Is.EqualTo(b2.ToArray<float>()), "added group: momentum and weight decay from the defaults");
        Assert.That(grown.StateDict().Select(kv => kv.Key), Is.EqualTo(new[] { "state.0.momentum_buffer", "state.1.momentum_buffer" }));
        Assert.That(grown.ParamGroups.Select(g => g.Lr), Is.EqualTo(new double?[] { 0.05, 0.2 }));
        Assert.That(() => grown.AddParamGroup(new ParamGroup([a1])),
            Throws.ArgumentException.With.Message.Contains("more than one parameter group"));
    }
}
