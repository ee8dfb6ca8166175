using QSparse.Host.Verification;
using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// verify-int's replay reads any traced network, not only the seed's: a strided, padded convolution on a
/// rectangular input, a padded max-pool, a flatten and a Linear replay exactly, so do grouped and depthwise
/// convolutions, and an op it cannot replay is named.
/// </summary>
public class IntegerReplayGeometryTests(string kind) : DeviceTest(kind)
{
    QuantizeLayer Activations() => Quantize(bits: 8, channelwise: -1, decimalRange: (1, 7), timeout: 1, device: Device);

    [Test]
    public void AStridedPaddedNetworkOnARectangularInputReplaysExactly()
    {
        using var log = new CapturingLogger();
        var g = new Generator(7);
        var net = new Sequential(
            ("qin", Activations()),
            ("conv", Quantize(new Conv2d(1, 4, 3, stride: 2, padding: (1, 0), device: Device, generator: g), bits: 8, timeout: 1, biasBits: 20)),
            ("q1", Activations()),
            ("relu", new ReLU(Device)),
            ("pool", new MaxPool2d(2, stride: 1, padding: 1, device: Device)),
            ("flatten", new Flatten(device: Device)),
            ("fc", Quantize(new Linear(4 * 6 * 4, 5, device: Device, generator: g), bits: 8, channelwise: -1, timeout: 1, biasBits: 20)),
            ("q2", Activations()));
        var x = Tensor.Rand(Device, [2, 1, 9, 7], g, -1, 1);
        AssertReplaysExactly(net, x, ("qin", 2L * 9 * 7), ("conv", 2L * 4 * 5 * 3), ("fc", 2L * 5));
    }

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
        AssertReplaysExactly(net, x, ("qin", 2L * 4 * 7 * 6), ("grouped", 2L * 6 * 7 * 6), ("depthwise", 2L * 12 * 3 * 2));
    }

    /// <summary>Trains <paramref name="net"/> two steps on x (the decimals are searched at step 1), then replays it: the layers checked, each exact.</summary>
    void AssertReplaysExactly(Module net, Tensor x, params (string Layer, long Elements)[] layers)
    {
        net.Train();
        for (int step = 0; step < 2; step++)
            using (new TensorScope())
                net.Call(x);
        Assert.That(net.NamedModules().Select(m => m.Module).OfType<QuantizeLayer>(), Has.All.Matches<QuantizeLayer>(q => q.Quantized));
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));

        var checks = IntegerReplay.Run(net, state, x);
        Assert.That(checks.Select(c => (c.Layer, c.Elements)), Is.EqualTo(layers));
        foreach (var c in checks)
            Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff), Is.EqualTo((0.0, (double?)0.0)), c.Layer);
    }

    [Test]
    public void AnOpTheReplayCannotDoIsNamed()
    {
        using var log = new CapturingLogger();
        var net = new Sequential(("qin", Activations()), ("soft", new LogSoftmax(1, Device)));
        var x = Tensor.Rand(Device, [1, 3], new Generator(8));
        net.Train();
        for (int step = 0; step < 2; step++)
            using (new TensorScope())
                net.Call(x);
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        Assert.That(() => IntegerReplay.Run(net, state, x),
            Throws.InvalidOperationException.With.Message.EqualTo("verify-int cannot replay LogSoftmax at 'soft' in integers"));
    }
}
