using QSparse.Nn;
using static QSparse.Tests.ModelKeys;

namespace QSparse.Tests;

/// <summary>The CIFAR example's MobileNetV2: shapes, parameter count, state-dict keys and printed form as upstream's, a short QSPARSE run.</summary>
public class MobileNetV2Tests(string kind) : DeviceTest(kind)
{
    static readonly QsparsePlan Both = new(Quantize: true, PruneWeights: true, PruneFeatures: true);

    /// <summary>The keys of block <paramref name="block"/>: conv1, bn1, conv2, bn2, conv3, bn3, the projection when there is one.</summary>
    static string[] BlockKeys(string block, bool projection, bool qsparse)
    {
        string[] conv = Conv(qsparse), pruner = qsparse ? Pruner : [], quantizer = qsparse ? Quantizer : [];
        string[] Stage(int i) => [.. Under($"{block}.conv{i}", conv), .. Under($"{block}.bn{i}", Bn), .. Under($"{block}.p{i}", pruner),
            .. Under($"{block}.q{i}", quantizer)];
        return [.. Stage(1), .. Stage(2), .. Under($"{block}.conv3", conv), .. Under($"{block}.bn3", Bn),
            .. projection ? Under($"{block}.shortcut.0", conv).Concat(Under($"{block}.shortcut.1", Bn)) : [],
            .. Under($"{block}.p3", pruner), .. Under($"{block}.q3", quantizer)];
    }

    [Test]
    public void GivesLogitsForABatchOfTwo32x32Images()
    {
        var g = new Generator(1);
        foreach (var (net, channels, classes) in new[] { (new MobileNetV2(Device, g), 3, 10), (new MobileNetV2(Device, g, inChannels: 1, classes: 7), 1, 7) })
        {
            net.Eval();
            using var noGrad = Autograd.NoGrad();
            var y = net.Call(Tensor.Rand(Device, [2, channels, 32, 32], g, -1, 1));
            Assert.That(y.Shape, Is.EqualTo(new[] { 2, classes }));
            Assert.That(y.ToArray<float>(), Is.All.Matches<float>(float.IsFinite));
        }
    }

    [Test]
    public void ParameterCountIsUpstreams()
    {
        using var log = new CapturingLogger();
        static long Count(Module m) => m.Parameters().Sum(p => (long)p.Numel);
        // Bias-free convolutions, BatchNorm 2·c. A block in → out with p = expansion·in: in·p + 9·p + p·out convolutions, 2·(2p + out)
        // BatchNorm, and in·out + 2·out for a stride-1 projection (in ≠ out). Per block (in → out, expansion, stride):
        //   32→16 e1: 1,024 + 288 + 512 + 64 + 64 + 32 + 544 = 2,528;  16→24: 1,536 + 864 + 2,304 + 432 + 432 = 5,568;
        //   24→24: 8,832;  24→32 s2: 10,000;  32→32: 14,848 × 2;  32→64 s2: 21,056;  64→64: 54,272 × 3;
        //   64→96: 72,960;  96→96: 118,272 × 2;  96→160 s2: 155,264;  160→160: 320,000 × 2;  160→320: 525,760;  sum 1,871,024.
        // conv1 3·32·9 = 864, bn1 64, conv2 320·1280 = 409,600, bn2 2,560, linear 1280·10 + 10 = 12,810: 2,296,922.
        Assert.That(Count(new MobileNetV2(Device)), Is.EqualTo(2_296_922));
        // One input channel: conv1 1·32·9 = 288 (-576); 7 classes: linear 1280·7 + 7 = 8,967 (-3,843).
        Assert.That(Count(new MobileNetV2(Device, inChannels: 1, classes: 7)), Is.EqualTo(2_292_503));
        Assert.That(Count(new MobileNetV2(Device, plan: Both)), Is.EqualTo(2_296_922), "QSPARSE adds buffers only");
        // α = 0.5: conv1 3·16·9 = 432, bn1 32, the blocks of 16→8→12→16→32→48→80→160 channels, conv2 160·1280, bn2 2,560, linear 12,810.
        var half = new MobileNetV2(Device, widthMultiplier: 0.5);
        Assert.That(half.ToString(), Does.Contain("(conv2): Conv2d(160, 1280, kernel_size=(1, 1), stride=(1, 1), bias=False)"));
        Assert.That(half.ToString(), Does.Contain("(conv3): Conv2d(48, 12, kernel_size=(1, 1), stride=(1, 1), bias=False)"));
    }

    [Test]
    public void StateDictKeysAreUpstreamsInFloatAndTheConvertedOnesInQuantizePrune()
    {
        using var log = new CapturingLogger();
        var keys = Of(new MobileNetV2(Device));
        // 6 stem keys, 18 per block × 17, 6 per projection × 4 (blocks 0, 1, 10, 16), conv2 1, bn2 5, linear 2.
        Assert.That((keys.Length, keys[0], keys[^1]), Is.EqualTo((344, "conv1.weight", "linear.bias")));
        Assert.That(keys.Select(k => k.Split('.')[0]).Distinct(), Is.EqualTo(new[] { "conv1", "bn1", "layers", "conv2", "bn2", "linear" }));
        Assert.That(keys.Where(k => k.StartsWith("layers.0.")), Is.EqualTo(BlockKeys("layers.0", true, false)));
        Assert.That(keys.Where(k => k.StartsWith("layers.2.")), Is.EqualTo(BlockKeys("layers.2", false, false)));
        Assert.That(keys.Where(k => k.StartsWith("layers.")).Select(k => k.Split('.')[1]).Distinct().Count(), Is.EqualTo(17));

        keys = Of(new MobileNetV2(Device, plan: Both));
        // Float 344 + qin 4 + conv1.quantize 4 + p1 3 + q1 4 + 42 per block × 17 + 7 per projection conv × 4 + conv2 prune and quantize 7
        // + q2 4 + linear.quantize 4.
        Assert.That((keys.Length, keys[0], keys[^1]), Is.EqualTo((1116, "qin.decimal", "linear.quantize._quantized")));
        Assert.That(keys.Where(k => k.StartsWith("layers.16.")), Is.EqualTo(BlockKeys("layers.16", true, true)));
        Assert.That(keys.Where(k => k.StartsWith("layers.3.")), Is.EqualTo(BlockKeys("layers.3", false, true)));
        Assert.That(keys.Where(k => !k.StartsWith("layers.")).Skip(21), Is.EqualTo((string[])[.. Under("conv2", Conv(true)), .. Under("bn2", Bn),
            .. Under("q2", Quantizer), "linear.weight", "linear.bias", .. Under("linear.quantize", Quantizer)]));
    }

    [Test]
    public void ThePrintedModelStartsAsUpstreamsWithTheQsparseLayers()
    {
        using var log = new CapturingLogger();
        static string Bn2d(int c) => $"BatchNorm2d({c}, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)";
        const string pointwise = "kernel_size=(1, 1), stride=(1, 1), bias=False";
        Assert.That(new MobileNetV2(Device).ToString().Split('\n')[..20], Is.EqualTo(new[]
        {
            "MobileNetV2(",
            "  (conv1): Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)",
            $"  (bn1): {Bn2d(32)}",
            "  (relu1): ReLU()",
            "  (layers): Sequential(",
            "    (0): Block(",
            $"      (conv1): Conv2d(32, 32, {pointwise})",
            $"      (bn1): {Bn2d(32)}",
            "      (relu1): ReLU()",
            "      (conv2): Conv2d(32, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=32, bias=False)",
            $"      (bn2): {Bn2d(32)}",
            "      (relu2): ReLU()",
            $"      (conv3): Conv2d(32, 16, {pointwise})",
            $"      (bn3): {Bn2d(16)}",
            "      (shortcut): Sequential(",
            $"        (0): Conv2d(32, 16, {pointwise})",
            $"        (1): {Bn2d(16)}",
            "      )",
            "    )",
            "    (1): Block(",
        }));
        var text = new MobileNetV2(Device, plan: Both).ToString();
        Assert.That(text, Does.StartWith("MobileNetV2(\n  (qin): QuantizeLayer()\n  (conv1): Conv2d(\n" +
            "    3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False\n    (quantize): QuantizeLayer()\n  )\n"));
        Assert.That(text, Does.Contain("    (3): Block(\n      (conv1): Conv2d(\n        24, 144, kernel_size=(1, 1), stride=(1, 1), bias=False\n" +
            "        (prune): PruneLayer()\n        (quantize): QuantizeLayer()\n      )\n"));
        Assert.That(text, Does.Contain("      (q3): QuantizeLayer()\n    )\n  )\n  (conv2): Conv2d(\n"));
        Assert.That(text, Does.EndWith("  (relu2): ReLU()\n  (avgpool): AdaptiveAvgPool2d(output_size=1)\n  (q2): QuantizeLayer()\n" +
            "  (flatten): Flatten(start_dim=1, end_dim=-1)\n  (linear): Linear(\n    in_features=1280, out_features=10, bias=True\n" +
            "    (quantize): QuantizeLayer()\n  )\n)"));
    }

    [Test]
    public void OutputOfNamesEveryActivationOperatorAndTheFloatPlanAddsNone()
    {
        using var log = new CapturingLogger();
        Assert.That(new MobileNetV2(Device).NamedModules().Where(m => m.Module is QSparseLayer), Is.Empty);
        var activations = new MobileNetV2(Device, plan: Both).NamedModules()
            .Where(m => m.Module is QSparseLayer && !m.Name.EndsWith(".prune") && !m.Name.EndsWith(".quantize")).Select(m => m.Name);
        Assert.That(activations, Is.EquivalentTo(MobileNetV2.OutputOf.Keys));
        Assert.That((MobileNetV2.OutputOf["layers.3.p3"], MobileNetV2.OutputOf["layers.4.q3"], MobileNetV2.OutputOf["layers.16.q2"]),
            Is.EqualTo(("layers.3.conv3", "layers.4 (conv3 + shortcut)", "layers.16.conv2")));
    }

    [Test]
    public void TrainsPastEveryQsparseEventAtASixteenthOfTheWidth()
    {
        using var log = new CapturingLogger();
        ShortQsparseRun.TrainAndCheck(new MobileNetV2(Device, new Generator(5), ShortQsparseRun.Plan, inChannels: 1, widthMultiplier: 1.0 / 16),
            Device, 1, 8, 10);
    }
}
