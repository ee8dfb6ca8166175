using QSparse.Host.Verification;
using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// Grouped and depthwise convolutions through the whole-network tools: verify-int's integer replay of a
/// grouped then depthwise network is exact, and FuseBn folds into grouped convolutions (a grouped transposed
/// convolution's output channel of weight [i, o, ...] is group(i)·out / groups + o) keeping the evaluation output.
/// </summary>
public class GroupedConvolutionTests(string kind) : DeviceTest(kind)
{
    QuantizeLayer Activations() => Quantize(bits: 8, channelwise: -1, decimalRange: (1, 7), timeout: 1, device: Device);

    [Test]
    public void AGroupedAndDepthwiseNetworkReplaysExactly()
    {
        using var log = new CapturingLogger();
        var g = new Generator(12);
        var net = new Sequential(
            ("qin", Activations()),
            ("grouped", Quantize(new Conv2d(4, 6, 3, padding: 1, groups: 2, device: Device, generator: g), bits: 8, timeout: 1, biasBits: 20)),
            ("q1", Activations()),
            ("relu", new ReLU(Device)),
            ("depthwise", Quantize(new Conv2d(6, 12, 3, stride: 2, groups: 6, bias: false, device: Device, generator: g), bits: 8, timeout: 1)),
            ("q2", Activations()));
        var x = Tensor.Rand(Device, [2, 4, 7, 6], g, -1, 1);
        net.Train();
        for (int step = 0; step < 2; step++) // the decimals are searched at step 1
            using (new TensorScope())
                net.Call(x);
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));

        var checks = IntegerReplay.Run(net, state, x);
        Assert.That(checks.Select(c => (c.Layer, c.Elements)),
            Is.EqualTo(new[] { ("qin", 2L * 4 * 7 * 6), ("grouped", 2L * 6 * 7 * 6), ("depthwise", 2L * 12 * 3 * 2) }));
        foreach (var c in checks)
            Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff), Is.EqualTo((0.0, (double?)0.0)), c.Layer);
    }

    [Test]
    public void FuseBnOfGroupedConvolutionsKeepsTheEvaluationOutput()
    {
        var g = new Generator(13);
        var bns = new BatchNorm[] { new BatchNorm2d(6, device: Device), new BatchNorm2d(4, device: Device), new BatchNorm2d(4, device: Device) };
        foreach (var bn in bns)
            RandomBatchNorm.Randomize(bn, g);
        var model = new Sequential(
            new Conv2d(4, 6, 3, padding: 1, groups: 2, device: Device, generator: g), bns[0], new ReLU(),
            new ConvTranspose2d(6, 4, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false, device: Device, generator: g), bns[1],
            new Conv2d(4, 4, 3, groups: 4, device: Device, generator: g), bns[2]);
        model.Eval();
        var x = Tensor.Rand(Device, [2, 4, 5, 4], g, -1, 1);
        var expected = model.Forward(x).ToArray<float>();
        FuseBn(model);
        Assert.That(model.NamedModules().Count(m => m.Module is BatchNorm), Is.Zero);
        Tolerance.AssertClose(model.Forward(x).ToArray<float>(), expected, 1e-5, 1e-5, "fused output");
    }
}
