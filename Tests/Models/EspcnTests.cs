using QSparse.Nn;
using static QSparse.Tests.StateKeys;

namespace QSparse.Tests;

/// <summary>ESPCN (qsparse-examples espcn-sr/models.py): shapes, parameters, state-dict keys, printing, a short QSPARSE run.</summary>
public class EspcnTests(string kind) : DeviceTest(kind)
{
    static readonly QsparsePlan QuantizePrune = new(Quantize: true, PruneWeights: true, PruneFeatures: true, Window: 1, StepsPerEpoch: 1);

    [Test]
    public void OutputIsTheInputScaledUp()
    {
        using var log = new CapturingLogger();
        Assert.That(new Espcn(Device, new Generator(1)).Call(Tensor.Rand(Device, [2, 1, 14, 14], new Generator(2))).Shape,
            Is.EqualTo(new[] { 2, 1, 28, 28 }));
        Assert.That(new Espcn(Device, new Generator(1), QuantizePrune, scale: 3).Call(Tensor.Rand(Device, [1, 1, 9, 9], new Generator(2))).Shape,
            Is.EqualTo(new[] { 1, 1, 27, 27 }));
        Assert.That(new Espcn(Device, new Generator(1), scale: 2, channels: 3).Call(Tensor.Rand(Device, [1, 3, 5, 7], new Generator(2))).Shape,
            Is.EqualTo(new[] { 1, 3, 10, 14 }));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Espcn(Device, scale: 0))!;
        Assert.That(e.ParamName, Is.EqualTo("scale"));
    }

    [Test]
    public void ParametersAndInitialisationAreThoseOfThePyTorchOriginal()
    {
        // conv(1→64, 5): 64·25 + 64 = 1664; conv(64→32, 3): 32·64·9 + 32 = 18464; conv(32→s², 3): s²·32·9 + s²
        // (x2: 1156, x3: 2601): 21284 and 22729, as sum(p.numel() for p in ESPCN(s).parameters()).
        var x2 = new Espcn(Device, new Generator(1), scale: 2);
        Assert.That(x2.Parameters().Sum(p => p.Numel), Is.EqualTo(21284));
        Assert.That(new Espcn(Device, new Generator(1), scale: 3).Parameters().Sum(p => p.Numel), Is.EqualTo(22729));
        var state = x2.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray<float>());
        // Upstream: N(0, sqrt(2 / (out·kh·kw))) but N(0, 0.001) for the convolution with 32 inputs; zero biases.
        Assert.That(Stats.Std(state["first_part.0.weight"]), Is.EqualTo(Math.Sqrt(2.0 / (64 * 25))).Within(8).Percent);
        Assert.That(Stats.Std(state["first_part.3.weight"]), Is.EqualTo(Math.Sqrt(2.0 / (32 * 9))).Within(3).Percent);
        Assert.That(Stats.Std(state["last_part.0.weight"]), Is.EqualTo(0.001).Within(15).Percent);
        foreach (var bias in new[] { "first_part.0.bias", "first_part.3.bias", "last_part.0.bias" })
            Assert.That(state[bias], Has.All.Zero, bias);
    }

    [Test]
    public void StateDictKeysAreUpstreamsInFloatAndQuantizePrune()
    {
        using var log = new CapturingLogger();
        string[] Keys(QsparsePlan? plan) => new Espcn(Device, new Generator(1), plan).StateDict().Select(kv => kv.Key).ToArray();
        // The Identity slots of the float network keep the indexes: 0, 3 and 0 are the convolutions in every mode.
        Assert.That(Keys(null), Is.EqualTo(new[]
        {
            "first_part.0.weight", "first_part.0.bias", "first_part.3.weight", "first_part.3.bias", "last_part.0.weight", "last_part.0.bias",
        }));
        string[] expected =
        [
            .. QuantizerKeys("qin"), "first_part.0.weight", "first_part.0.bias", .. QuantizerKeys("first_part.0.quantize"),
            .. QuantizerKeys("first_part.2"),
            "first_part.3.weight", "first_part.3.bias", .. PrunerKeys("first_part.3.prune"), .. QuantizerKeys("first_part.3.quantize"),
            .. PrunerKeys("first_part.4"), .. QuantizerKeys("first_part.6"),
            "last_part.0.weight", "last_part.0.bias", .. QuantizerKeys("last_part.0.quantize"),
        ];
        Assert.That(expected, Has.Length.EqualTo(36));
        Assert.That(Keys(QuantizePrune), Is.EqualTo(expected));
        Assert.That(Keys(QuantizePrune with { PruneFeatures = false }), Is.EqualTo(expected.Where(k => !k.StartsWith("first_part.4."))));
        // OutputOf names exactly the activation operators (the QSPARSE layers outside a layer's parameter transforms).
        var activationOperators = new Espcn(Device, new Generator(1), QuantizePrune).NamedModules()
            .Where(m => m.Module is QSparseLayer && !m.Name.EndsWith(".quantize") && !m.Name.EndsWith(".prune")).Select(m => m.Name);
        Assert.That(activationOperators, Is.EquivalentTo(Espcn.OutputOf.Keys));
    }

    [Test]
    public void PrintsAsPyTorchPrintsTheOriginal()
    {
        using var log = new CapturingLogger();
        Assert.That(new Espcn(Device, new Generator(1)).ToString().Split('\n')[..9], Is.EqualTo(new[]
        {
            "ESPCN(",
            "  (qin): Identity()",
            "  (first_part): Sequential(",
            "    (0): Conv2d(1, 64, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))",
            "    (1): Tanh()",
            "    (2): Identity()",
            "    (3): Conv2d(64, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
            "    (4): Identity()",
            "    (5): Tanh()",
        }));
        Assert.That(new Espcn(Device, new Generator(1), QuantizePrune, scale: 3).ToString().Split('\n')[..5], Is.EqualTo(new[]
        {
            "ESPCN(",
            "  (qin): QuantizeLayer()",
            "  (first_part): Sequential(",
            "    (0): Conv2d(",
            "      1, 64, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2)",
        }));
    }

    [Test]
    public void QuantizePruneTrainingReachesEveryEventAndEvaluatesLargerImages([Values] bool quantizeFirst)
    {
        using var log = new CapturingLogger();
        var plan = QuantizePrune with { QuantizeFirst = quantizeFirst };
        var model = new Espcn(Device, new Generator(3), plan);
        // A fixed batch of 4×4 crops; the target is their 2× nearest upsampling (the network learns to copy each pixel).
        var x = Tensor.Rand(Device, [2, 1, 4, 4], new Generator(4));
        var target = x.Unsqueeze(3).Unsqueeze(5).BroadcastTo(2, 1, 4, 2, 4, 2).Reshape(2, 1, 8, 8);
        using var adam = new Adam(model.Parameters(), lr: 1e-3);
        var losses = new List<double>();
        // Quantize first: weights at 2, activations at 3, masks at 5..8; prune first: masks at 3..6, weights at 6, activations at 7.
        for (int step = 0; step < 10; step++)
        {
            using var scope = new TensorScope();
            var loss = Functional.MseLoss(model.Call(x), target);
            adam.ZeroGrad();
            loss.Backward();
            adam.Step();
            losses.Add(loss.Item());
        }
        QsparseEvents.AssertFiniteAndFalling(losses, "MSE");
        Assert.That(QsparseEvents.AssertAllHappened(model), Is.EqualTo((6, 2)));

        // strict=False: on an 8×8 image the [32, 4, 4] feature mask is tiled 2×2.
        model.Eval();
        var pruner = (PruneLayer)model.GetSubmodule("first_part.4");
        Assert.That(pruner.Mask.Shape, Is.EqualTo(new[] { 32, 4, 4 }));
        int off = pruner.Mask.ToArray<bool>().Count(b => !b);
        Assert.That(pruner.Call(Tensor.Ones(Device, [1, 32, 8, 8])).ToArray<float>().Count(v => v == 0), Is.EqualTo(4 * off));
        var y = model.Call(Tensor.Rand(Device, [1, 1, 8, 8], new Generator(5)));
        Assert.That(y.Shape, Is.EqualTo(new[] { 1, 1, 16, 16 }));
        Assert.That(y.ToArray<float>(), Has.All.Matches<float>(float.IsFinite));
    }
}
