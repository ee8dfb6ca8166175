using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>Every example of the user's advanced-usage document (seed/advanced_usage.md), with its printed results.</summary>
public class QsparseSeedTests(string kind) : DeviceTest(kind)
{
    Tensor Rand(params int[] shape) => Tensor.Rand(Device, shape, new Generator(7));

    [Test]
    public void ChannelwiseDecimalShapes()
    {
        using var log = new CapturingLogger();
        var tensor = Rand(10, 20, 30);
        foreach (var (channelwise, expected) in new[] { (1, 20), (2, 30), (-1, 1) })
        {
            var layer = Quantize(bits: 8, channelwise: channelwise, timeout: 0, device: Device);
            layer.Forward(tensor);
            Assert.That(layer.Decimal.Shape, Is.EqualTo(new[] { expected }), $"channelwise {channelwise}");
        }
        var defaults = Quantize(bits: 8, device: Device);
        defaults.Forward(tensor);
        Assert.That(defaults.Decimal.Shape, Is.EqualTo(new[] { 20 }));
    }

    [Test]
    public void BiasQuantizerIsInjectedAndPrinted()
    {
        using var log = new CapturingLogger();
        var conv = Quantize(new Conv2d(1, 1, 1, device: Device), bits: 8, biasBits: 12);
        Assert.That(conv.ToString(), Is.EqualTo("Conv2d(\n  1, 1, kernel_size=(1, 1), stride=(1, 1)\n  (quantize): QuantizeLayer()\n  (quantize_bias): QuantizeLayer()\n)"));
    }

    [Test]
    public void SaturateRangeDefaultsAndValues()
    {
        using var log = new CapturingLogger();
        Assert.That(Quantize(bits: 8, device: Device).SaturateRange, Is.EqualTo((0.0, 1.0)));
        Assert.That(Quantize(bits: 8, saturateRange: (0.0001, 0.9999), device: Device).SaturateRange, Is.EqualTo((0.0001, 0.9999)));
    }

    [Test]
    public void UnstructuredMaskHasTheInputShape()
    {
        using var log = new CapturingLogger();
        var layer = Prune(sparsity: 0.5, collapse: -1, device: Device);
        layer.Forward(Rand(10, 20, 30, 40));
        Assert.That(layer.Mask.Shape, Is.EqualTo(new[] { 10, 20, 30, 40 }));
    }

    [Test]
    public void StructuredMaskKeepsOnlyThePrunableDimensions()
    {
        using var log = new CapturingLogger();
        var layer = Prune(sparsity: 0.5, collapse: -1, callback: new StructuredPruneCallback(0, 1), device: Device);
        layer.Forward(Rand(10, 20, 30, 40));
        Assert.That(layer.Mask.Shape, Is.EqualTo(new[] { 10, 20, 1, 1 }));
    }

    [Test]
    public void WindowSizes()
    {
        using var log = new CapturingLogger();
        Assert.That(Prune(sparsity: 0.5, device: Device).WindowSize, Is.EqualTo(1));
        Assert.That(Prune(sparsity: 0.5, windowSize: 10, device: Device).WindowSize, Is.EqualTo(10));
    }

    [Test]
    public void StrictMaskRefusesALargerInputAndNonStrictExpands()
    {
        using var log = new CapturingLogger();
        var data = Rand(1, 10, 32, 32);
        var data2x = Rand(1, 10, 64, 64);
        var strict = Prune(sparsity: 0.5, device: Device);
        strict.Forward(data);
        strict.Eval();
        var e = Assert.Throws<InvalidOperationException>(() => strict.Forward(data2x))!;
        Assert.That(e.Message, Is.EqualTo("The expanded size of the tensor (64) must match the existing size (32) at non-singleton dimension 3.  Target sizes: [1, 10, 64, 64].  Tensor sizes: [10, 32, 32]"));

        var loose = Prune(sparsity: 0.5, start: 0, interval: 1, repetition: 1, strict: false, device: Device);
        loose.Forward(data);
        loose.Forward(data);
        loose.Eval();
        var y = loose.Forward(data2x).ToArray<float>();
        var x = data2x.ToArray<float>();
        var mask = loose.Mask.ToArray<bool>();
        // The 32x32 mask tiles 2x2 times and covers the 64x64 input exactly.
        for (int c = 0; c < 10; c++)
            for (int h = 0; h < 64; h++)
                for (int w = 0; w < 64; w++)
                {
                    int i = (c * 64 + h) * 64 + w;
                    Assert.That(y[i], Is.EqualTo(mask[(c * 32 + h % 32) * 32 + w % 32] ? x[i] : 0f));
                }
    }

    static Conv2d MakeConv(Device device) =>
        Quantize(Prune(new Conv2d(1, 32, 3, device: device), sparsity: 0.5, start: 200, interval: 10, repetition: 4), bits: 8, timeout: 100);

    [Test]
    public void CheckpointResumeGivesIdenticalOutputsWithAndWithoutADummyForward()
    {
        using var log = new CapturingLogger();
        var g = new Generator(3);
        var conv = MakeConv(Device);
        for (int i = 0; i < 241; i++)
        {
            using var scope = new TensorScope();
            conv.Forward(Tensor.Rand(Device, [10, 1, 28, 28], g));
        }
        Assert.That(log.Lines, Is.EqualTo(new[]
        {
            "[Quantize] (channelwise) avg decimal = 8.0",
            "[Prune] [Step 210] active 0.72, pruned 0.28, window_size = 1",
            "[Prune] [Step 220] active 0.57, pruned 0.43, window_size = 1",
            "[Prune] [Step 230] active 0.51, pruned 0.49, window_size = 1",
            "[Prune] [Step 240] active 0.50, pruned 0.50, window_size = 1",
        }));
        var state = conv.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));

        var conv2 = MakeConv(Device);
        conv2.LoadStateDict(state); // better than the reference: no dummy forward needed
        var conv3 = MakeConv(Device);
        conv3.Forward(Tensor.Rand(Device, [10, 1, 28, 28], g));
        conv3.LoadStateDict(state);
        var tensor = Tensor.Rand(Device, [10, 1, 28, 28], g);
        var expected = conv.Forward(tensor).ToArray<float>();
        Assert.That(conv2.Forward(tensor).ToArray<float>(), Is.EqualTo(expected));
        Assert.That(conv3.Forward(tensor).ToArray<float>(), Is.EqualTo(expected));
        Assert.That(conv2.StateDict().Select(kv => HostTensor.From(kv.Value).Data), Is.EqualTo(conv.StateDict().Select(kv => HostTensor.From(kv.Value).Data)));

        var wrong = Quantize(Prune(new Conv2d(1, 16, 3, device: Device), sparsity: 0.5), bits: 8);
        wrong.Forward(Tensor.Rand(Device, [1, 1, 28, 28], g));
        var e = Assert.Throws<InvalidDataException>(() => wrong.LoadStateDict(state))!;
        Assert.That(e.Message, Does.Contain("weight").And.Contain("[32, 1, 3, 3]").And.Contain("[16, 1, 3, 3]"));
    }

    [Test]
    public void NamedNetworkLogsAndListsItsState()
    {
        using var log = new CapturingLogger();
        var net = new Sequential(
            ("conv", Quantize(Prune(new Conv2d(1, 32, 3, bias: false, device: Device), sparsity: 0.5, start: 200, interval: 10, repetition: 4),
                bits: 8, timeout: 100, channelwise: 0)),
            ("conv_output_pruning", Prune(sparsity: 0.5, start: 200, interval: 10, repetition: 4, device: Device)),
            ("conv_output_quantization", Quantize(bits: 8, timeout: 100, device: Device)));
        net = AutoNamePruneQuantizeLayers(net);
        var g = new Generator(5);
        for (int i = 0; i < 241; i++)
        {
            using var scope = new TensorScope();
            net.Forward(Tensor.Rand(Device, [10, 1, 28, 28], g));
        }
        Assert.That(log.Lines.Select(l => l[..l.IndexOf(']')]), Is.EqualTo(new[]
        {
            "[Quantize @ conv.quantize", "[Quantize @ conv_output_quantization",
            "[Prune @ conv.prune", "[Prune @ conv_output_pruning", "[Prune @ conv.prune", "[Prune @ conv_output_pruning",
            "[Prune @ conv.prune", "[Prune @ conv_output_pruning", "[Prune @ conv.prune", "[Prune @ conv_output_pruning",
        }));
        Assert.That(log.Lines[2], Is.EqualTo("[Prune @ conv.prune] [Step 210] active 0.72, pruned 0.28, window_size = 1"));
        var listing = net.StateDict().Select(kv => $"{kv.Key} ({string.Join(", ", kv.Value.Shape)}{(kv.Value.Rank == 1 ? "," : "")})");
        Assert.That(listing, Is.EqualTo(new[]
        {
            "conv.weight (32, 1, 3, 3)", "conv.prune.mask (32, 1, 3, 3)", "conv.prune._n_updates (1,)", "conv.prune._cur_sparsity (1,)",
            "conv.quantize.decimal (32,)", "conv.quantize._n_updates (1,)", "conv.quantize.bits ()", "conv.quantize._quantized (1,)",
            "conv_output_pruning.mask (32, 26, 26)", "conv_output_pruning._n_updates (1,)", "conv_output_pruning._cur_sparsity (1,)",
            "conv_output_quantization.decimal (32,)", "conv_output_quantization._n_updates (1,)", "conv_output_quantization.bits ()",
            "conv_output_quantization._quantized (1,)",
        }));
    }
}
