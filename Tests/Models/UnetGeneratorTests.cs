using QSparse.Nn;
using static QSparse.Tests.StateKeys;

namespace QSparse.Tests;

/// <summary>
/// pix2pix's U-Net generator (qsparse-examples cyclegan_pix2pix/models/networks.py): shapes, parameters, keys,
/// printing, dropout placement, and a short pix2pix run with the PatchGAN discriminator.
/// </summary>
public class UnetGeneratorTests(string kind) : DeviceTest(kind)
{
    static readonly QsparsePlan QuantizePrune = new(Quantize: true, PruneWeights: true, PruneFeatures: true, Window: 1, StepsPerEpoch: 1);

    [Test]
    public void OutputHasTheInputsSizeInMinusOneToOne()
    {
        using var log = new CapturingLogger();
        var g = new UnetGenerator(Device, new Generator(1), filters: 2);
        var y = g.Call(Tensor.Rand(Device, [2, 1, 32, 32], new Generator(2), -1, 1));
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 1, 32, 32 }));
        Assert.That(y.ToArray<float>(), Has.All.InRange(-1f, 1f));
        var rgb = new UnetGenerator(Device, new Generator(1), QuantizePrune, inChannels: 3, outChannels: 2, filters: 2, norm: NormKind.Instance);
        Assert.That(rgb.Call(Tensor.Rand(Device, [1, 3, 32, 64], new Generator(2))).Shape, Is.EqualTo(new[] { 1, 2, 32, 64 }));
        var e = Assert.Throws<ArgumentException>(() => g.Call(Tensor.Rand(Device, [1, 1, 24, 24])))!;
        Assert.That((e.ParamName, e.Message), Is.EqualTo(("input",
            "UnetGenerator: expected [N, C, H, W] with H and W divisible by 2^5 = 32, got [1, 1, 24, 24] (Parameter 'input')")));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new UnetGenerator(Device, downs: 4))!.ParamName, Is.EqualTo("downs"));
    }

    [Test]
    public void ParametersAndInitialisationAreThoseOfThePyTorchOriginal()
    {
        // UnetGenerator(1, 1, 5, 64, BatchNorm2d), levels outside in (4×4 kernels: 16 weights per channel pair):
        //   outermost: down 1·64·16 = 1024, BN(64) 128, up 128·1·16 + 1 = 2049              →     3201
        //   64 → 128:  down 64·128·16 = 131072, BN 256, up 256·64·16 = 262144, BN 128        →   393600
        //   128 → 256: down 524288, BN 512, up 512·128·16 = 1048576, BN 256                  →  1573632
        //   256 → 512: down 2097152, BN 1024, up 1024·256·16 = 4194304, BN 512               →  6292992
        //   innermost: down 512·512·16 = 4194304, up 4194304, BN 1024                        →  8389632
        // 16653057 (upstream's outermost level has a BatchNorm the original pix2pix lacks: 128 of them).
        var g = new UnetGenerator(Device, new Generator(1));
        Assert.That(g.Parameters().Sum(p => p.Numel), Is.EqualTo(16653057));
        var parameters = g.NamedParameters().ToList();
        float[] Values(Func<string, Tensor, bool> which) =>
            parameters.Where(p => which(p.Name, p.Parameter)).SelectMany(p => p.Parameter.ToArray<float>()).ToArray();
        var convWeights = Values((_, t) => t.Rank == 4);
        Assert.That(Stats.Std(convWeights), Is.EqualTo(0.02).Within(0.5).Percent);
        Assert.That(Stats.Mean(convWeights), Is.EqualTo(0).Within(1e-4));
        var bnWeights = Values((name, t) => t.Rank == 1 && name.EndsWith(".weight"));
        Assert.That(bnWeights, Has.Length.EqualTo(1920));
        Assert.That(Stats.Mean(bnWeights), Is.EqualTo(1).Within(2e-3));
        Assert.That(Stats.Std(bnWeights), Is.EqualTo(0.02).Within(10).Percent);
        Assert.That(Values((name, _) => name.EndsWith(".bias")), Has.Length.EqualTo(1920 + 1).And.All.Zero);
    }

    [Test]
    public void StateDictKeysAreUpstreamsInFloatAndQuantizePrune()
    {
        using var log = new CapturingLogger();
        string[] Keys(QsparsePlan? plan, NormKind norm = NormKind.Batch) =>
            new UnetGenerator(Device, new Generator(1), plan, filters: 2, norm: norm).StateDict().Select(kv => kv.Key).ToArray();
        const string second = "model.model.4";
        // One intermediate level's own keys, without its inner levels' (model.5): in float its two weights and BatchNorms, 12 of
        // the 8 + 3·12 + 7 = 51 (outermost: down weight, BN, up weight and bias; innermost: two weights and a BN).
        string[] Own(string[] keys) => keys.Where(k => k.StartsWith(second + ".") && !k.StartsWith(second + ".model.5.")).ToArray();
        var flt = Keys(null);
        Assert.That((flt.Length, flt[0], flt[^1]), Is.EqualTo((51, "model.model.1.weight", "model.model.6.bias")));
        Assert.That(Own(flt), Is.EqualTo((string[])
            [$"{second}.model.1.weight", .. BatchNormKeys($"{second}.model.2"), $"{second}.model.7.weight", .. BatchNormKeys($"{second}.model.8")]));
        // Quantize + prune: qin 4; outermost 28 (qout, 0, 1.quantize, 3 and 6.quantize, up bias); each intermediate level
        // 40 (below); innermost 23 (qout, 1.quantize, 2, 4.quantize; down and up weights, BN): 4 + 28 + 3·40 + 23 = 175.
        var both = Keys(QuantizePrune);
        Assert.That((both.Length, both[0], both[^1]), Is.EqualTo((175, "qin.decimal", "model.model.6.quantize._quantized")));
        Assert.That(Own(both), Is.EqualTo((string[])
        [
            .. QuantizerKeys($"{second}.qout"),
            $"{second}.model.1.weight", .. PrunerKeys($"{second}.model.1.prune"), .. QuantizerKeys($"{second}.model.1.quantize"),
            .. BatchNormKeys($"{second}.model.2"), .. PrunerKeys($"{second}.model.3"), .. QuantizerKeys($"{second}.model.4"),
            $"{second}.model.7.weight", .. PrunerKeys($"{second}.model.7.prune"), .. QuantizerKeys($"{second}.model.7.quantize"),
            .. BatchNormKeys($"{second}.model.8"), .. PrunerKeys($"{second}.model.9"),
        ]));
        Assert.That(both[..8], Is.EqualTo((string[])[.. QuantizerKeys("qin"), .. QuantizerKeys("model.qout")]),
            "upstream's outermost qout, never called, keeps its keys");
        // Instance norm (no affine, no running statistics): no norm keys, a bias on every convolution: 2 + 2 per level.
        Assert.That(Own(Keys(null, NormKind.Instance)), Is.EqualTo(new[]
            { $"{second}.model.1.weight", $"{second}.model.1.bias", $"{second}.model.7.weight", $"{second}.model.7.bias" }));
        Assert.That(Keys(null, NormKind.Instance), Has.Length.EqualTo(20));
    }

    [Test]
    public void PrintsAsPyTorchPrintsTheOriginalWithDropoutInTheIntermediateLevels()
    {
        using var log = new CapturingLogger();
        // NOTE: PyTorch prints LeakyReLU(negative_slope=0.2, inplace=True) and ReLU(inplace=True): this library's activations have no inplace flag.
        Assert.That(new UnetGenerator(Device, new Generator(1), filters: 2).ToString().Split('\n')[..13], Is.EqualTo(new[]
        {
            "UnetGenerator(",
            "  (qin): Identity()",
            "  (model): UnetSkipConnectionBlock(",
            "    (qout): Identity()",
            "    (model): Sequential(",
            "      (0): Identity()",
            "      (1): Conv2d(1, 2, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)",
            "      (2): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
            "      (3): Identity()",
            "      (4): UnetSkipConnectionBlock(",
            "        (qout): Identity()",
            "        (model): Sequential(",
            "          (0): LeakyReLU(negative_slope=0.2)",
        }));
        // downs 7 (upstream's unet_128): two 8f levels between the 4f → 8f level and the innermost, each ending in Dropout(0.5)
        // (listed depth first: the inner level's before the outer's, which comes after the inner level in the Sequential).
        string[] DropoutPaths(bool dropout) => new UnetGenerator(Device, new Generator(1), downs: 7, filters: 1, dropout: dropout)
            .NamedModules().Where(m => m.Module is Dropout).Select(m => m.Name).ToArray();
        const string fourth = "model.model.4.model.5.model.5";
        Assert.That(DropoutPaths(true), Is.EqualTo(new[] { $"{fourth}.model.5.model.5.model.10", $"{fourth}.model.5.model.10" }));
        Assert.That(DropoutPaths(false), Is.Empty);
    }

    [Test]
    public void Pix2PixPruneThenQuantizeTrainingReachesEveryEvent()
    {
        using var log = new CapturingLogger();
        // Pruning first (the ESPCN tests run both orders): masks at steps 3..6, weights quantized at 6, activations at 7.
        var plan = QuantizePrune with { QuantizeFirst = false };
        var gen = new Generator(3);
        var netG = new UnetGenerator(Device, gen, plan, filters: 2);
        var netD = new PatchDiscriminator(Device, gen, plan, filters: 2);
        // A fixed batch: inputs in [-1, 1] and, as target, their negation.
        var realA = Tensor.Rand(Device, [2, 1, 32, 32], new Generator(4), -1, 1);
        var realB = realA.Neg();
        // Upstream's optimizers: Adam(lr, betas (0.5, 0.999)) for each network (a larger lr, for a visible fall in 9 steps).
        using var optG = new Adam(netG.Parameters(), lr: 2e-3, betas: (0.5, 0.999));
        using var optD = new Adam(netD.Parameters(), lr: 2e-3, betas: (0.5, 0.999));
        Tensor Gan(Tensor prediction, bool real) =>
            Functional.BinaryCrossEntropyWithLogits(prediction, real ? Tensor.Ones(Device, prediction.Shape) : Tensor.Zeros(Device, prediction.Shape));
        void RequiresGrad(Module m, bool on)
        {
            foreach (var p in m.Parameters())
                p.RequiresGrad = on;
        }
        var lossesD = new List<double>();
        var lossesL1 = new List<double>();
        // Upstream's optimize_parameters: one generator forward, a discriminator step on (A, G(A)) detached and (A, B), then a
        // generator step on GAN(D(A, G(A)), real) + 100·L1(G(A), B) with the discriminator frozen.
        for (int step = 0; step < 9; step++)
        {
            using var scope = new TensorScope();
            var fakeB = netG.Call(realA);
            RequiresGrad(netD, true);
            optD.ZeroGrad();
            var lossD = (Gan(netD.Call(Tensor.Cat([realA, fakeB.Detach()], 1)), false) + Gan(netD.Call(Tensor.Cat([realA, realB], 1)), true)) * 0.5f;
            lossD.Backward();
            optD.Step();
            RequiresGrad(netD, false);
            optG.ZeroGrad();
            var l1 = Functional.L1Loss(fakeB, realB);
            var lossG = Gan(netD.Call(Tensor.Cat([realA, fakeB], 1)), true) + l1 * 100;
            lossG.Backward();
            optG.Step();
            lossesD.Add(lossD.Item());
            lossesL1.Add(l1.Item());
            Assert.That(double.IsFinite(lossG.Item()), $"generator loss {step}");
        }
        QsparseEvents.AssertFiniteAndFalling(lossesL1, "L1");
        Assert.That(lossesD, Has.All.Matches<double>(double.IsFinite));
        // qin; outermost 0, 1.quantize, 3, 6.quantize; three intermediate levels' qout, 1.quantize, 4, 7.quantize; innermost's four.
        // Pruners: the intermediate levels' 1.prune, 3, 7.prune and 9.
        Assert.That(QsparseEvents.AssertAllHappened(netG, "model.qout"), Is.EqualTo((1 + 4 + 3 * 4 + 4, 3 * 4)));
        Assert.That(netD.NamedModules().Any(m => m.Module is QSparseLayer), Is.False);

        // The trained state (the idle qout's placeholders included) loads strictly into a fresh generator, which then evaluates alike.
        var state = netG.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        var loaded = new UnetGenerator(Device, new Generator(9), plan, filters: 2);
        loaded.LoadStateDict(state);
        netG.Eval();
        loaded.Eval();
        Assert.That(loaded.Call(realA).ToArray<float>(), Is.EqualTo(netG.Call(realA).ToArray<float>()));
    }
}
