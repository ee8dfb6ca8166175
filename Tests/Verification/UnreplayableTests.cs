using QSparse.Host.Verification;
using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// What verify-int cannot replay in integers it names, with the path or op and why: a tanh whose output a
/// layer needs, a functional product, an add of the unquantized input, a LeakyReLU of slope 0.2; a tanh on the last layer's accumulation is the float head and replays.
/// </summary>
public class UnreplayableTests(string kind) : DeviceTest(kind)
{
    /// <summary>Children by name and a forward written against them, as a user's module would be.</summary>
    sealed class Net : Module
    {
        readonly Func<Func<string, Tensor, Tensor>, Tensor, Tensor> forward;

        public Net(Device device, Func<Func<string, Tensor, Tensor>, Tensor, Tensor> forward, params (string Name, Module Module)[] children) : base(device)
        {
            this.forward = forward;
            foreach (var (name, module) in children)
                RegisterModule(name, module);
        }

        public override Tensor Forward(Tensor x) => forward((name, t) => GetSubmodule(name).Call(t), x);
    }

    QuantizeLayer Activations() => Quantize(bits: 8, channelwise: -1, decimalRange: (1, 7), timeout: 1, device: Device);

    Conv2d Conv(int cin, int cout, int seed) =>
        Quantize(new Conv2d(cin, cout, 3, padding: 1, device: Device, generator: new Generator((ulong)seed)), bits: 8, timeout: 1, biasBits: 16);

    /// <summary>qin, conv1 and q1, then <paramref name="rest"/> on q1's output (its modules after those three).</summary>
    Net Head(Func<Func<string, Tensor, Tensor>, Tensor, Tensor> rest, params (string, Module)[] more) =>
        new(Device, (call, x) => rest(call, call("q1", call("conv1", call("qin", x)))),
            [("qin", Activations()), ("conv1", Conv(1, 2, 1)), ("q1", Activations()), .. more]);

    List<LayerCheck> Replay(Module net)
    {
        var x = Tensor.Rand(Device, [2, 1, 4, 4], new Generator(5), -1, 1);
        return IntegerReplay.Run(net, ReplayFixture.Forwards(net, x), x);
    }

    [Test]
    public void ATanhALayerReadsIsNamed()
    {
        using var log = new CapturingLogger();
        var net = Head((call, y) => call("q2", call("conv2", call("tanh", y))), ("tanh", new Tanh(Device)), ("conv2", Conv(2, 2, 2)), ("q2", Activations()));
        Assert.That(() => Replay(net), Throws.InvalidOperationException.With.Message.EqualTo(
            "verify-int cannot replay Tanh at 'tanh' in integers: the tanh of a fixed-point value is not one; Conv2d at 'conv2' needs its output in integers"));
    }

    [Test]
    public void ATanhOnTheLastAccumulationIsTheFloatHead()
    {
        using var log = new CapturingLogger();
        var net = Head((call, y) => call("tanh", call("conv2", y)), ("conv2", Conv(2, 1, 2)), ("tanh", new Tanh(Device)));
        var checks = Replay(net);
        Assert.That(checks.Select(c => (c.Layer, c.AccumulationDiff ?? 0, c.OutputDiff)), Is.EqualTo(new[]
        {
            ("qin", 0.0, (double?)0.0), ("conv1", 0.0, 0.0), ("conv2", 0.0, null),
        }));
    }

    [Test]
    public void AFunctionalProductIsNamedWithTheModuleBeforeIt()
    {
        using var log = new CapturingLogger();
        var net = Head((call, y) => call("q2", y * y), ("q2", Activations()));
        Assert.That(() => Replay(net), Throws.InvalidOperationException.With.Message.EqualTo(
            "verify-int cannot replay op Mul after 'q1' in integers; QuantizeLayer at 'q2' needs its output in integers"));
    }

    [Test]
    public void AnAddOfTheUnquantizedInputIsNamed()
    {
        using var log = new CapturingLogger();
        var net = new Net(Device, (call, x) => call("q2", call("q1", call("conv1", call("qin", x))) + x),
            ("qin", Activations()), ("conv1", Conv(1, 1, 1)), ("q1", Activations()), ("q2", Activations()));
        Assert.That(() => Replay(net), Throws.InvalidOperationException.With.Message.EqualTo(
            "verify-int cannot replay op Add after 'q1' in integers: operand 2 is the model's float input (not quantized)"));
    }

    [Test]
    public void ALeakyReluOfSlopePointTwoIsNamed()
    {
        using var log = new CapturingLogger();
        var leaky = Head((call, y) => call("leaky", y), ("leaky", new LeakyReLU(0.2, Device)));
        Assert.That(() => Replay(leaky), Throws.InvalidOperationException.With.Message.EqualTo(
            "verify-int cannot replay LeakyReLU at 'leaky' in integers: its negative slope 0.2 is not a power of two, so x·0.2 is not a fixed-point value"));
    }
}
