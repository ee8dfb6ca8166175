using QSparse.Host.Verification;
using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// verify-int replays networks written the PyTorch way, with functional steps between modules: a small
/// ResNet (resnet_small's residual blocks: identity and 1×1-convolution shortcuts) converted with pruned and
/// quantized ReLUs and a quantized input, its BatchNorms folded, trained with SGD past every quantizer's
/// timeout and every pruning step, replays with zero difference; so does a concatenation of two branches
/// quantized at different decimals, a network of pixel shuffles, power-of-two average pooling and a
/// LeakyReLU of slope 1/4, and a grouped, strided transposed convolution.
/// </summary>
public class ResidualReplayTests(string kind) : DeviceTest(kind)
{
    /// <summary>The residual block of resnet_small: relu2(bn2(conv2(relu1(bn1(conv1(x))))) + shortcut(x)).</summary>
    sealed class Block : Module
    {
        // Module-typed: FuseBn and Convert replace these and the fields follow.
        readonly Module conv1, bn1, relu1, conv2, bn2, shortcut, relu2;

        public Block(int cin, int cout, int stride, Device device, Generator g) : base(device)
        {
            conv1 = RegisterModule("conv1", new Conv2d(cin, cout, 3, stride, padding: 1, bias: false, device: device, generator: g));
            bn1 = RegisterModule("bn1", new BatchNorm2d(cout, device: device));
            relu1 = RegisterModule("relu1", new ReLU(device));
            conv2 = RegisterModule("conv2", new Conv2d(cout, cout, 3, 1, padding: 1, bias: false, device: device, generator: g));
            bn2 = RegisterModule("bn2", new BatchNorm2d(cout, device: device));
            shortcut = RegisterModule<Module>("shortcut", stride != 1 || cin != cout
                ? new Sequential(new Conv2d(cin, cout, 1, stride, bias: false, device: device, generator: g), new BatchNorm2d(cout, device: device))
                : new Identity(device));
            relu2 = RegisterModule("relu2", new ReLU(device));
        }

        public override Tensor Forward(Tensor x) =>
            relu2.Call(bn2.Call(conv2.Call(relu1.Call(bn1.Call(conv1.Call(x))))) + shortcut.Call(x));
    }

    /// <summary>stem, two blocks (8×8 → 4×4), global average pooling over 16 values, a Linear head.</summary>
    sealed class SmallResNet : Module
    {
        readonly Module stem, relu, block1, block2, pool, flat, fc;

        public SmallResNet(Device device, Generator g) : base(device)
        {
            stem = RegisterModule("stem", new Conv2d(3, 4, 3, padding: 1, device: device, generator: g));
            relu = RegisterModule("relu", new ReLU(device));
            block1 = RegisterModule("block1", new Block(4, 4, 1, device, g));
            block2 = RegisterModule("block2", new Block(4, 8, 2, device, g));
            pool = RegisterModule("pool", new AdaptiveAvgPool2d(1, device));
            flat = RegisterModule("flat", new Flatten(device: device));
            fc = RegisterModule("fc", new Linear(8, 3, device: device, generator: g));
        }

        public override Tensor Forward(Tensor x) => fc.Call(flat.Call(pool.Call(block2.Call(block1.Call(relu.Call(stem.Call(x)))))));
    }

    [Test]
    public void ASmallResNetTrainedWithFoldedBatchNormReplaysExactly()
    {
        using var log = new CapturingLogger();
        const int e = 1;
        var g = new Generator(21);
        var net = new SmallResNet(Device, g);
        var x = Tensor.Rand(Device, [4, 3, 8, 8], g, -1, 1);
        var y = Tensor.FromArray(Device, new long[] { 0, 1, 2, 1 }, 4);
        // Two float steps give the BatchNorms statistics to fold; the quantizers then see the folded weights and biases.
        Train(net, x, y, 2);
        FuseBn(net);
        Module model = Convert(net, m => m is null
                ? Prune(sparsity: 0.5, start: 3 * e, interval: e, repetition: 2, windowSize: 2, device: Device)
                : Prune(m, sparsity: 0.5, start: 3 * e, interval: e, repetition: 2, windowSize: 2),
            weightLayers: [typeof(Conv2d)], activationLayers: [typeof(ReLU)], excludedWeights: [(typeof(Conv2d), [0])]);
        model = AutoNamePruneQuantizeLayers(Convert(model, m => m is null
                ? Quantize(bits: 8, timeout: 2 * e, channelwise: -1, decimalRange: (1, 10), windowSize: 2, device: Device)
                : Quantize(m, bits: 8, timeout: 2 * e, channelwise: -1, decimalRange: (1, 10), windowSize: 2, biasBits: 16),
            weightLayers: [typeof(Conv2d), typeof(Linear)], activationLayers: [typeof(ReLU)], input: true));
        Train(model, x, y, 7);
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
        Assert.That(state.Keys, Has.None.Contains("bn"));
        Assert.That(state["1.block2.relu2.0.1._cur_sparsity"].AsFloats()[0], Is.EqualTo(0.5f), "both pruning steps ran");

        var checks = IntegerReplay.Run(model, state, x);
        Assert.That(checks.Select(c => (c.Layer, c.Elements)), Is.EqualTo(new[]
        {
            ("0", 4L * 3 * 8 * 8), ("1.stem", 4L * 4 * 8 * 8), ("1.relu.1", 4L * 4 * 8 * 8),
            ("1.block1.conv1", 4L * 4 * 8 * 8), ("1.block1.relu1.1", 4L * 4 * 8 * 8), ("1.block1.conv2", 4L * 4 * 8 * 8), ("1.block1.relu2.1", 4L * 4 * 8 * 8),
            ("1.block2.conv1", 4L * 8 * 4 * 4), ("1.block2.relu1.1", 4L * 8 * 4 * 4), ("1.block2.conv2", 4L * 8 * 4 * 4),
            ("1.block2.shortcut.0", 4L * 8 * 4 * 4), ("1.block2.relu2.1", 4L * 8 * 4 * 4), ("1.fc", 4L * 3),
        }));
        foreach (var c in checks)
            Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff ?? 0), Is.EqualTo((0.0, 0.0)), c.Layer);
        Assert.That(checks.Where(c => c.Layer.EndsWith(".1") || c.Layer == "0").Select(c => c.OutputDiff), Has.All.Not.Null);
        Assert.That(checks.Single(c => c.Layer == "1.block2.relu2.1").Notes, Has.Some.StartsWith("op Add after '1.block2.shortcut.1': operands at decimals "));

        // The replay reads the shortcut's weight decimal one higher than the float pipeline used: the shortcut and the sum after it differ.
        var key = "1.block2.shortcut.0.quantize.decimal";
        state[key] = state[key] with { Data = state[key].AsFloats().Select(d => d + 1).SelectMany(BitConverter.GetBytes).ToArray() };
        var corrupted = IntegerReplay.Run(model, state, x).ToDictionary(c => c.Layer);
        Assert.That(corrupted["1.block2.conv2"].AccumulationDiff, Is.EqualTo(0.0));
        Assert.That(corrupted["1.block2.shortcut.0"].AccumulationDiff, Is.GreaterThan(0));
        Assert.That(corrupted["1.block2.relu2.1"].OutputDiff, Is.GreaterThan(0));
    }

    QuantizeLayer Activations((int, int)? decimals = null) => Quantize(bits: 8, channelwise: -1, decimalRange: decimals ?? (1, 7), timeout: 1, device: Device);

    /// <summary>qf(fuse(cat(qa(a(x)), qb(relu(b(x)))))): branches quantized at decimals at most 3 and exactly 8.</summary>
    sealed class TwoBranches : Module
    {
        readonly Module qin, a, qa, b, relu, qb, fuse, qf;

        public TwoBranches(ResidualReplayTests t, Generator g) : base(t.Device)
        {
            qin = RegisterModule("qin", t.Activations());
            a = RegisterModule("a", Quantize(new Conv2d(2, 3, 3, padding: 1, device: t.Device, generator: g), bits: 8, timeout: 1, biasBits: 16));
            qa = RegisterModule("qa", t.Activations((1, 4)));
            b = RegisterModule("b", Quantize(new Conv2d(2, 2, 1, device: t.Device, generator: g), bits: 8, timeout: 1, biasBits: 16));
            relu = RegisterModule("relu", new ReLU(t.Device));
            qb = RegisterModule("qb", t.Activations((8, 9)));
            fuse = RegisterModule("fuse", Quantize(new Conv2d(5, 2, 1, device: t.Device, generator: g), bits: 8, timeout: 1, biasBits: 16));
            qf = RegisterModule("qf", t.Activations());
        }

        public override Tensor Forward(Tensor x)
        {
            x = qin.Call(x);
            return qf.Call(fuse.Call(Tensor.Cat([qa.Call(a.Call(x)), qb.Call(relu.Call(b.Call(x)))], 1)));
        }
    }

    [Test]
    public void ACatOfTwoBranchesAtDifferentDecimalsReplaysExactly()
    {
        using var log = new CapturingLogger();
        var g = new Generator(31);
        var net = new TwoBranches(this, g);
        var x = Tensor.Rand(Device, [2, 2, 5, 4], g, -1, 1);
        var state = ReplayFixture.Forwards(net, x);
        Assert.That((state["qa.decimal"].AsFloats()[0], state["qb.decimal"].AsFloats()[0]), Is.EqualTo((3f, 8f)).Or.EqualTo((2f, 8f)).Or.EqualTo((1f, 8f)));

        var checks = IntegerReplay.Run(net, state, x);
        // qb follows the ReLU, not b: its own check.
        Assert.That(checks.Select(c => (c.Layer, c.Elements, c.OutputDiff != null)), Is.EqualTo(new[]
        {
            ("qin", 2L * 2 * 5 * 4, true), ("a", 2L * 3 * 5 * 4, true), ("b", 2L * 2 * 5 * 4, false), ("qb", 2L * 2 * 5 * 4, true), ("fuse", 2L * 2 * 5 * 4, true),
        }));
        foreach (var c in checks)
            Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff ?? 0), Is.EqualTo((0.0, 0.0)), c.Layer);
        Assert.That(checks[4].Notes, Has.Member($"op Cat after 'qb': operand decimals {state["qa.decimal"].AsFloats()[0]}, 8 aligned to 8 by shifting left"));
    }

    /// <summary>
    /// q3(conv2(avg_pool(leaky_relu(pixel_unshuffle(q1(shuffle(conv1(qin(x)))), 2), 1/4), 2))): a PixelShuffle module,
    /// a functional pixel unshuffle (reshape, permute, reshape), a LeakyReLU of slope 2^-2 and a 2×2 average.
    /// </summary>
    sealed class Rearranging : Module
    {
        readonly Module qin, conv1, shuffle, q1, leaky, pool, conv2, q2;

        public Rearranging(ResidualReplayTests t, Generator g) : base(t.Device)
        {
            qin = RegisterModule("qin", t.Activations());
            conv1 = RegisterModule("conv1", Quantize(new Conv2d(1, 8, 3, padding: 1, device: t.Device, generator: g), bits: 8, timeout: 1, biasBits: 16));
            shuffle = RegisterModule("shuffle", new PixelShuffle(2, t.Device));
            q1 = RegisterModule("q1", t.Activations());
            leaky = RegisterModule("leaky", new LeakyReLU(0.25, t.Device));
            pool = RegisterModule("pool", new AvgPool2d(2, device: t.Device));
            conv2 = RegisterModule("conv2", Quantize(new Conv2d(8, 3, 1, device: t.Device, generator: g), bits: 8, timeout: 1, biasBits: 16));
            q2 = RegisterModule("q2", t.Activations());
        }

        public override Tensor Forward(Tensor x)
        {
            var y = q1.Call(shuffle.Call(conv1.Call(qin.Call(x))));
            return q2.Call(conv2.Call(pool.Call(leaky.Call(Functional.PixelUnshuffle(y, 2)))));
        }
    }

    [Test]
    public void PixelShufflesALeakyReluOfAQuarterAndATwoByTwoAverageReplayExactly()
    {
        using var log = new CapturingLogger();
        var g = new Generator(41);
        var net = new Rearranging(this, g);
        var x = Tensor.Rand(Device, [2, 1, 4, 6], g, -1, 1);
        var checks = IntegerReplay.Run(net, ReplayFixture.Forwards(net, x), x);
        // q1 follows the shuffle, not conv1: its own check.
        Assert.That(checks.Select(c => (c.Layer, c.Elements, c.OutputDiff != null)), Is.EqualTo(new[]
        {
            ("qin", 2L * 4 * 6, true), ("conv1", 2L * 8 * 4 * 6, false), ("q1", 2L * 2 * 8 * 12, true), ("conv2", 2L * 3 * 2 * 3, true),
        }));
        foreach (var c in checks)
            Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff ?? 0), Is.EqualTo((0.0, 0.0)), c.Layer);
    }

    [Test]
    public void AGroupedStridedTransposedConvolutionReplaysExactly()
    {
        using var log = new CapturingLogger();
        var g = new Generator(51);
        var net = new Sequential(
            ("qin", Activations()),
            ("conv", Quantize(new Conv2d(1, 2, 3, padding: 1, device: Device, generator: g), bits: 8, timeout: 1, biasBits: 16)),
            ("q1", Activations()),
            ("up", Quantize(new ConvTranspose2d(2, 4, (3, 2), stride: 2, padding: (1, 0), outputPadding: (1, 0), groups: 2, device: Device, generator: g),
                bits: 8, timeout: 1, biasBits: 16)),
            ("q2", Activations()));
        var x = Tensor.Rand(Device, [2, 1, 3, 5], g, -1, 1);
        var checks = IntegerReplay.Run(net, ReplayFixture.Forwards(net, x), x);
        // (3 − 1)·2 − 2 + 3 + 1 = 6 rows, (5 − 1)·2 + 2 = 10 columns.
        Assert.That(checks.Select(c => (c.Layer, c.Elements)), Is.EqualTo(new[] { ("qin", 2L * 3 * 5), ("conv", 2L * 2 * 3 * 5), ("up", 2L * 4 * 6 * 10) }));
        foreach (var c in checks)
            Assert.That((c.AccumulationDiff ?? 0, c.OutputDiff), Is.EqualTo((0.0, (double?)0.0)), c.Layer);
    }

    [Test]
    public void AnInputFlattenedBeforeItsQuantizerReplaysExactly()
    {
        using var log = new CapturingLogger();
        var g = new Generator(61);
        var net = new Sequential(
            ("flat", new Flatten(device: Device)),
            ("qin", Activations()),
            ("fc", Quantize(new Linear(12, 3, device: Device, generator: g), bits: 8, channelwise: -1, timeout: 1, biasBits: 16)),
            ("q", Activations()));
        var x = Tensor.Rand(Device, [2, 1, 3, 4], g, -1, 1);
        var checks = IntegerReplay.Run(net, ReplayFixture.Forwards(net, x), x);
        Assert.That(checks.Select(c => (c.Layer, c.Elements, c.AccumulationDiff ?? 0, c.OutputDiff)), Is.EqualTo(new[]
        {
            ("qin", 2L * 12, 0.0, (double?)0.0), ("fc", 2L * 3, 0.0, 0.0),
        }));
    }

    static void Train(Module net, Tensor x, Tensor y, int steps)
    {
        net.Train();
        using var sgd = new SGD(net.Parameters(), lr: 0.05, momentum: 0.9);
        for (int step = 0; step < steps; step++)
            using (new TensorScope())
            {
                sgd.ZeroGrad();
                Functional.CrossEntropy(net.Call(x), y).Backward();
                sgd.Step();
            }
    }
}
