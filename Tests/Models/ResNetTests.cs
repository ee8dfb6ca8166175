using QSparse.Nn;
using static QSparse.Tests.ModelKeys;

namespace QSparse.Tests;

/// <summary>The CIFAR ResNets: shapes, parameter counts, state-dict keys and printed form as PyTorch's, a short QSPARSE run.</summary>
public class ResNetTests(string kind) : DeviceTest(kind)
{
    static readonly QsparsePlan Both = new(Quantize: true, PruneWeights: true, PruneFeatures: true);

    /// <summary>The keys of a block under <paramref name="block"/>, in order: those of conv1, bn1, conv2, bn2, the projection when there is one.</summary>
    static string[] BlockKeys(string block, bool projection, bool qsparse)
    {
        string[] conv = Conv(qsparse), pruner = qsparse ? Pruner : [], quantizer = qsparse ? Quantizer : [];
        return [.. Under($"{block}.conv1", conv), .. Under($"{block}.bn1", Bn), .. Under($"{block}.p1", pruner), .. Under($"{block}.q1", quantizer),
            .. Under($"{block}.conv2", conv), .. Under($"{block}.bn2", Bn),
            .. projection ? Under($"{block}.shortcut.0", conv).Concat(Under($"{block}.shortcut.1", Bn)) : [],
            .. Under($"{block}.p2", pruner), .. Under($"{block}.q2", quantizer)];
    }

    [Test]
    public void TheFactoriesGiveLogitsForABatchOfTwo32x32Images()
    {
        var g = new Generator(1);
        foreach (var (net, channels, classes) in new[]
            { (ResNet.ResNet20(Device, g), 3, 10), (ResNet.ResNet20(Device, g, inChannels: 1, classes: 7), 1, 7), (ResNet.ResNet18(Device, g), 3, 10) })
        {
            net.Eval();
            using var noGrad = Autograd.NoGrad();
            var y = net.Call(Tensor.Rand(Device, [2, channels, 32, 32], g, -1, 1));
            Assert.That(y.Shape, Is.EqualTo(new[] { 2, classes }));
            Assert.That(y.ToArray<float>(), Is.All.Matches<float>(float.IsFinite));
        }
    }

    [Test]
    public void ParameterCountsAreThoseOfThePyTorchOriginals()
    {
        using var log = new CapturingLogger();
        static long Count(Module m) => m.Parameters().Sum(p => (long)p.Numel);
        // ResNet-20 (3×3 convolutions without bias, BatchNorm 2·c, option-B projections):
        //   conv1 3·16·9 = 432, bn1 32; layer1: 6 convs 16·16·9 = 13,824, 6 bn 192;
        //   layer2: 16·32·9 + 5·32·32·9 = 50,688, 6 bn 384, projection 16·32 + 64 = 576;
        //   layer3: 32·64·9 + 5·64·64·9 = 202,752, 6 bn 768, projection 32·64 + 128 = 2,176; linear 64·10 + 10 = 650
        //   = 272,474 (He et al.'s option A, without the projections: 269,722, the "0.27M").
        Assert.That(Count(ResNet.ResNet20(Device)), Is.EqualTo(272_474));
        // One input channel: conv1 1·16·9 = 144 (-288); 7 classes: linear 64·7 + 7 = 455 (-195).
        Assert.That(Count(ResNet.ResNet20(Device, inChannels: 1, classes: 7)), Is.EqualTo(271_991));
        // QSPARSE adds buffers only.
        Assert.That(Count(ResNet.ResNet20(Device, plan: Both)), Is.EqualTo(272_474));
        // ResNet18 (kuangliu): conv1 3·64·9 = 1,728, bn1 128; layer1 4·64·64·9 = 147,456, bn 512;
        //   layer2 64·128·9 + 3·128·128·9 + 64·128 = 524,288, bn 5·256 = 1,280;
        //   layer3 128·256·9 + 3·256·256·9 + 128·256 = 2,097,152, bn 2,560;
        //   layer4 256·512·9 + 3·512·512·9 + 256·512 = 8,388,608, bn 5,120; linear 512·10 + 10 = 5,130 = 11,173,962.
        Assert.That(Count(ResNet.ResNet18(Device)), Is.EqualTo(11_173_962));
    }

    [Test]
    public void FloatStateDictKeysArePyTorchs()
    {
        var keys = Of(ResNet.ResNet20(Device));
        // 6 stem keys, 12 per block × 9, 6 per projection × 2, 2 linear.
        Assert.That((keys.Length, keys[0], keys[^1]), Is.EqualTo((128, "conv1.weight", "linear.bias")));
        Assert.That(keys[..6], Is.EqualTo(new[] { "conv1.weight" }.Concat(Under("bn1", Bn))));
        Assert.That(keys.Where(k => k.StartsWith("layer1.0.")), Is.EqualTo(BlockKeys("layer1.0", false, false)));
        Assert.That(keys.Where(k => k.StartsWith("layer2.0.")), Is.EqualTo(BlockKeys("layer2.0", true, false)));
        Assert.That(keys.Select(k => k.Split('.')[0]).Distinct(), Is.EqualTo(new[] { "conv1", "bn1", "layer1", "layer2", "layer3", "linear" }));

        keys = Of(ResNet.ResNet18(Device));
        // 6 + 12 × 8 + 6 × 3 + 2.
        Assert.That((keys.Length, keys[0], keys[^1]), Is.EqualTo((122, "conv1.weight", "linear.bias")));
        Assert.That(keys.Where(k => k.StartsWith("layer4.0.")), Is.EqualTo(BlockKeys("layer4.0", true, false)));
        Assert.That(keys.Where(k => k.StartsWith("layer4.1.")), Is.EqualTo(BlockKeys("layer4.1", false, false)));
    }

    [Test]
    public void QuantizePruneStateDictKeysAreTheConvertedReferences()
    {
        using var log = new CapturingLogger();
        var keys = Of(ResNet.ResNet20(Device, plan: Both));
        // Float 128 + qin 4 + conv1.quantize 4 + p1 3 + q1 4 + 28 per block × 9 + 7 per projection conv × 2 + q2 4 + linear.quantize 4.
        Assert.That((keys.Length, keys[0], keys[^1]), Is.EqualTo((417, "qin.decimal", "linear.quantize._quantized")));
        Assert.That(keys[..21], Is.EqualTo(Under("qin", Quantizer)
            .Concat(["conv1.weight", .. Under("conv1.quantize", Quantizer), .. Under("bn1", Bn)])
            .Concat(Under("p1", Pruner)).Concat(Under("q1", Quantizer))));
        Assert.That(keys.Where(k => k.StartsWith("layer1.2.")), Is.EqualTo(BlockKeys("layer1.2", false, true)));
        Assert.That(keys.Where(k => k.StartsWith("layer3.0.")), Is.EqualTo(BlockKeys("layer3.0", true, true)));
        Assert.That(keys[^10..], Is.EqualTo(Under("q2", Quantizer)
            .Concat(["linear.weight", "linear.bias", .. Under("linear.quantize", Quantizer)])));
        Assert.That(keys.Where(k => k.Contains("_bias")), Is.Empty, "biases stay in full precision, as upstream");
    }

    [Test]
    public void ThePrintedModelStartsAsPyTorchsWithTheQsparseLayers()
    {
        using var log = new CapturingLogger();
        const string bn16 = "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)";
        const string conv16 = "kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False";
        static string[] Lines(Module m, int count) => m.ToString().Split('\n')[..count];
        Assert.That(Lines(ResNet.ResNet20(Device), 14), Is.EqualTo(new[]
        {
            "ResNet(",
            $"  (conv1): Conv2d(3, 16, {conv16})",
            $"  (bn1): {bn16}",
            "  (relu): ReLU()",
            "  (layer1): Sequential(",
            "    (0): BasicBlock(",
            $"      (conv1): Conv2d(16, 16, {conv16})",
            $"      (bn1): {bn16}",
            "      (relu1): ReLU()",
            $"      (conv2): Conv2d(16, 16, {conv16})",
            $"      (bn2): {bn16}",
            "      (shortcut): Sequential()",
            "      (relu2): ReLU()",
            "    )",
        }));
        Assert.That(Lines(ResNet.ResNet20(Device, plan: Both), 19), Is.EqualTo(new[]
        {
            "ResNet(",
            "  (qin): QuantizeLayer()",
            "  (conv1): Conv2d(",
            $"    3, 16, {conv16}",
            "    (quantize): QuantizeLayer()",
            "  )",
            $"  (bn1): {bn16}",
            "  (p1): PruneLayer()",
            "  (q1): QuantizeLayer()",
            "  (relu): ReLU()",
            "  (layer1): Sequential(",
            "    (0): BasicBlock(",
            "      (conv1): Conv2d(",
            $"        16, 16, {conv16}",
            "        (prune): PruneLayer()",
            "        (quantize): QuantizeLayer()",
            "      )",
            $"      (bn1): {bn16}",
            "      (p1): PruneLayer()",
        }));
        var text = ResNet.ResNet18(Device).ToString();
        Assert.That(text, Does.Contain("    (0): BasicBlock(\n      (conv1): Conv2d(64, 128, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)"));
        Assert.That(text, Does.EndWith("  (avgpool): AdaptiveAvgPool2d(output_size=1)\n  (flatten): Flatten(start_dim=1, end_dim=-1)\n" +
            "  (linear): Linear(in_features=512, out_features=10, bias=True)\n)"));
    }

    [Test]
    public void TheFloatPlanAddsNoQsparseLayerAndEveryDepthIsNamedInOutputOf()
    {
        using var log = new CapturingLogger();
        Assert.That(ResNet.ResNet18(Device).NamedModules().Where(m => m.Module is QSparseLayer), Is.Empty);
        foreach (var net in new[] { ResNet.ResNet20(Device, plan: Both), ResNet.ResNet18(Device, plan: Both) })
        {
            var activations = net.NamedModules().Where(m => m.Module is QSparseLayer && !m.Name.Contains(".prune") && !m.Name.Contains(".quantize"))
                .Select(m => m.Name).ToArray();
            Assert.That(activations, Is.SubsetOf(ResNet.OutputOf.Keys));
            Assert.That(net.NamedModules().Select(m => m.Module).OfType<QSparseLayer>().Select(l => l.Name),
                Is.EqualTo(net.NamedModules().Where(m => m.Module is QSparseLayer).Select(m => m.Name)), "auto-named after their paths");
        }
        Assert.That(ResNet.OutputOf["layer2.0.q2"], Is.EqualTo("layer2.0 (conv2 + shortcut)"));
    }

    [Test]
    public void ResNet20TrainsPastEveryQsparseEventAtWidth2()
    {
        using var log = new CapturingLogger();
        ShortQsparseRun.TrainAndCheck(new ResNet([3, 3, 3], 2, Device, new Generator(3), ShortQsparseRun.Plan, inChannels: 1), Device, 1, 8, 10);
    }

    [Test]
    public void ResNet18TrainsPastEveryQsparseEventAtWidth2()
    {
        using var log = new CapturingLogger();
        ShortQsparseRun.TrainAndCheck(new ResNet([2, 2, 2, 2], 2, Device, new Generator(4), ShortQsparseRun.Plan), Device, 3, 8, 10);
    }
}
