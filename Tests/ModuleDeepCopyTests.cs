using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// <see cref="Module.DeepCopy"/> (PyTorch's copy.deepcopy of a module) and Convert's <c>inplace: false</c>:
/// the copy has the original's state and outputs, trains without touching the original, keeps sharing as
/// the original shares, and its user fields call its own children.
/// </summary>
public class ModuleDeepCopyTests(string kind) : DeviceTest(kind)
{
    /// <summary>relu(conv2(relu(conv1(x))) + x), children in a readonly field, an auto-property and an array.</summary>
    sealed class Block : Module
    {
        readonly Module conv1;
        readonly Module[] relus;

        public Block(int channels, Device device, Generator g) : base(device)
        {
            conv1 = RegisterModule("conv1", new Conv2d(channels, channels, 3, 1, 1, device: device, generator: g));
            Conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, 1, 1, device: device, generator: g));
            relus = [RegisterModule("relu1", new ReLU(device)), RegisterModule("relu2", new ReLU(device))];
        }

        public Module Conv2 { get; }

        public override Tensor Forward(Tensor x) => relus[1].Call(Conv2.Call(relus[0].Call(conv1.Call(x))) + x);
    }

    /// <summary>stem → block → flatten → fc, calling the children held in a List.</summary>
    sealed class Net : Module
    {
        readonly List<Module> layers;

        public Net(Device device, Generator g) : base(device) => layers =
        [
            RegisterModule("stem", new Conv2d(1, 2, 3, 1, 1, device: device, generator: g)),
            RegisterModule("block", new Block(2, device, g)),
            RegisterModule("flatten", new Flatten(device: device)),
            RegisterModule("fc", new Linear(2 * 4 * 4, 3, device: device, generator: g)),
        ];

        public override Tensor Forward(Tensor x)
        {
            foreach (var layer in layers)
                x = layer.Call(x);
            return x;
        }
    }

    static Dictionary<string, byte[]> Bytes(Module m) => m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());

    Tensor Input(int seed) => Tensor.Rand(Device, [2, 1, 4, 4], new Generator((ulong)seed), -1, 1);

    /// <summary>Trains <paramref name="model"/> <paramref name="steps"/> SGD steps on sum(y²) and returns each step's output values.</summary>
    List<float[]> Train(Module model, int steps, int seed = 0)
    {
        using var sgd = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var outputs = new List<float[]>();
        for (int i = 0; i < steps; i++)
        {
            sgd.ZeroGrad();
            var y = model.Call(Input(seed + i));
            outputs.Add(y.ToArray<float>());
            (y * y).Sum().Backward();
            sgd.Step();
        }
        return outputs;
    }

    [Test]
    public void CopyHasTheStateAndOutputsAndTrainingItLeavesTheOriginalUntouched()
    {
        var model = new Net(Device, new Generator(3));
        var before = Bytes(model);
        var copy = model.DeepCopy();
        Assert.That(copy, Is.Not.SameAs(model));
        Assert.That(Bytes(copy), Is.EqualTo(before));
        Assert.That(copy.ToString(), Is.EqualTo(model.ToString()));
        foreach (var ((_, a), (_, b)) in model.NamedParameters().Zip(copy.NamedParameters()))
        {
            Assert.That(b, Is.Not.SameAs(a));
            Assert.That((b.DType, b.Device, b.RequiresGrad, b.Shape), Is.EqualTo((a.DType, a.Device, a.RequiresGrad, a.Shape)));
        }
        Assert.That(copy.Call(Input(9)).ToArray<float>(), Is.EqualTo(model.Call(Input(9)).ToArray<float>()));
        var trained = Train(copy, 3);
        Assert.That(Bytes(copy), Is.Not.EqualTo(before), "the copy trained");
        Assert.That(Bytes(model), Is.EqualTo(before), "the original is untouched");
        Assert.That(Train(model, 3), Is.EqualTo(trained), "the original trains as the copy did");
    }

    [Test]
    public void UserFieldsCallTheCopysChildren()
    {
        var model = new Net(Device, new Generator(4));
        var copy = model.DeepCopy();
        var called = new List<string>();
        foreach (var (name, m) in copy.NamedModules().Where(m => m.Name.Length > 0))
            m.RegisterForwardHook((_, _, _) => called.Add(name));
        var expected = model.Call(Input(1)).ToArray<float>();
        Assert.That(copy.Call(Input(1)).ToArray<float>(), Is.EqualTo(expected));
        Assert.That(called, Is.EqualTo(new[]
        {
            "stem", "block.conv1", "block.relu1", "block.conv2", "block.relu2", "block", "flatten", "fc",
        }));
        // Zeroing the copy's fc weight moves only the copy's output to the bias.
        ((Linear)copy.GetSubmodule("fc")).Weight.Fill(0);
        var bias = ((Linear)copy.GetSubmodule("fc")).Bias!.ToArray<float>();
        Assert.That(copy.Call(Input(1)).ToArray<float>(), Is.EqualTo(bias.Concat(bias).ToArray()));
        Assert.That(model.Call(Input(1)).ToArray<float>(), Is.EqualTo(expected));
    }

    [Test]
    public void SharedChildrenAndModeAreKept()
    {
        var shared = new Linear(3, 3, device: Device, generator: new Generator(5));
        var model = new Sequential(shared, new ReLU(Device), shared);
        model.Eval();
        var copy = (Sequential)model.DeepCopy();
        var children = copy.NamedChildren().Select(c => c.Module).ToArray();
        Assert.That(children[2], Is.SameAs(children[0]), "shared once in the copy");
        Assert.That(children[0], Is.Not.SameAs(shared));
        Assert.That(copy.Parameters().Count(), Is.EqualTo(model.Parameters().Count()));
        Assert.That(copy.NamedModules().All(m => !m.Module.Training), Is.True);
    }

    /// <summary>Holds a tensor it is given as its parameter "w" (weight tying when two share one).</summary>
    sealed class Tied : Module
    {
        public Tied(Tensor w, Device device) : base(device) => RegisterParameter("w", w);

        public Tensor W => Slot("w")!;

        public override Tensor Forward(Tensor input) => input * W;
    }

    [Test]
    public void SharedTensorsStaySharedInTheCopy()
    {
        var w = Tensor.Rand(Device, [3]);
        var model = new Sequential(new Tied(w, Device), new Tied(w, Device));
        var copy = model.DeepCopy();
        var (a, b) = ((Tied)copy.GetSubmodule("0"), (Tied)copy.GetSubmodule("1"));
        Assert.That(b.W, Is.SameAs(a.W));
        Assert.That(a.W, Is.Not.SameAs(w));
        Assert.That(a.W.ToArray<float>(), Is.EqualTo(w.ToArray<float>()));
        Assert.That(copy.Parameters().Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void HooksAreCopiedAndTheirHandlesRemoveThemFromTheOriginalOnly()
    {
        var model = new Linear(2, 2, device: Device);
        int calls = 0;
        var handle = model.RegisterForwardHook((_, _, _) => calls++);
        var copy = model.DeepCopy();
        copy.Call(Tensor.Ones(Device, [1, 2]));
        Assert.That(calls, Is.EqualTo(1));
        handle.Dispose();
        model.Call(Tensor.Ones(Device, [1, 2]));
        copy.Call(Tensor.Ones(Device, [1, 2]));
        Assert.That(calls, Is.EqualTo(2));
    }

    /// <summary>A module holding a disposable object it does not register: DeepCopy cannot duplicate it.</summary>
    sealed class HoldsDisposable(Device device) : Module(device)
    {
        readonly MemoryStream stream = new();

        public override Tensor Forward(Tensor input) => input;

        public long Length => stream.Length;
    }

    [Test]
    public void UncopyableStateIsAnErrorNamingTheField()
    {
        var e = Assert.Throws<NotSupportedException>(() => new Sequential(new HoldsDisposable(Device)).DeepCopy())!;
        Assert.That(e.Message, Does.Contain("HoldsDisposable.stream").And.Contain("MemoryStream"));
    }

    Module QsparseNet(Generator g)
    {
        var model = new Sequential(new Conv2d(1, 2, 3, 1, 1, device: Device, generator: g), new ReLU(Device),
            new Flatten(device: Device), new Linear(2 * 4 * 4, 3, device: Device, generator: g));
        model = (Sequential)Convert(model, m => m is null ? Quantize(bits: 6, timeout: 2, windowSize: 2, device: Device) : Quantize(m, bits: 6, timeout: 2),
            weightLayers: [typeof(Conv2d), typeof(Linear)], activationLayers: [typeof(ReLU)]);
        return Convert(model, m => m is null ? Prune(sparsity: 0.5, start: 1, interval: 2, repetition: 3, windowSize: 2, device: Device)
                : Prune(m, sparsity: 0.5, start: 1, interval: 2, repetition: 3),
            weightLayers: [typeof(Conv2d)], activationLayers: [typeof(ReLU)]);
    }

    [Test]
    public void ConvertedNetworkCopiesMidTrainingAndBothContinueIdentically()
    {
        using var log = new CapturingLogger();
        var model = QsparseNet(new Generator(6));
        Train(model, 4);
        var layers = model.NamedModules().Select(m => m.Module).OfType<QSparseLayer>().ToArray();
        Assert.That(layers.OfType<QuantizeLayer>().All(q => q.Quantized), Is.True, "decimals are set");
        Assert.That(layers.OfType<PruneLayer>().All(p => p.CurrentSparsity > 0), Is.True, "masks are set");
        var copy = model.DeepCopy();
        Assert.That(Bytes(copy), Is.EqualTo(Bytes(model)));
        var copies = copy.NamedModules().Select(m => m.Module).OfType<QSparseLayer>().ToArray();
        Assert.That(copies.Select(l => (l.Name, l.NUpdates, l.Window.Count)), Is.EqualTo(layers.Select(l => (l.Name, l.NUpdates, l.Window.Count))));
        Assert.That(copies.SelectMany(l => l.Window).Intersect(layers.SelectMany(l => l.Window)), Is.Empty, "windows are copied");
        var fromCopy = Train(copy, 5, seed: 10);
        Assert.That(Train(model, 5, seed: 10), Is.EqualTo(fromCopy));
        Assert.That(Bytes(copy), Is.EqualTo(Bytes(model)));
    }

    [Test]
    public void SeedNetworkCopiesWithItsDropoutGeneratorAndBothTrainIdentically()
    {
        using var log = new CapturingLogger();
        var model = new MnistNet(Device, new Generator(1), new(Quantize: true, PruneWeights: true, PruneFeatures: true, Window: 2, StepsPerEpoch: 1));
        var copy = model.DeepCopy();
        for (int i = 0; i < 2; i++)
        {
            var x = Tensor.Rand(Device, [2, 1, 28, 28], new Generator((ulong)i));
            Assert.That(copy.Call(x).ToArray<float>(), Is.EqualTo(model.Call(x).ToArray<float>()), $"training forward {i}: the same dropout draws");
        }
        Assert.That(Bytes(copy), Is.EqualTo(Bytes(model)));
    }

    [Test]
    public void ConvertNotInPlaceLeavesTheOriginalAndReturnsAConvertedCopy()
    {
        using var log = new CapturingLogger();
        var model = new Net(Device, new Generator(7));
        var (tree, state) = (model.ToString(), Bytes(model));
        var converted = Convert(model, m => m is null ? Quantize(device: Device) : Quantize(m),
            weightLayers: [typeof(Conv2d)], activationLayers: [typeof(ReLU)], inplace: false);
        Assert.That(converted, Is.Not.SameAs(model));
        Assert.That(model.ToString(), Is.EqualTo(tree));
        Assert.That(Bytes(model), Is.EqualTo(state));
        Assert.That(converted.StateDict().Select(kv => kv.Key).Where(k => k.EndsWith(".decimal")),
            Is.EqualTo(new[] { "stem.quantize.decimal", "block.conv1.quantize.decimal", "block.conv2.quantize.decimal", "block.relu1.1.decimal", "block.relu2.1.decimal" }));
        Assert.That(converted.Call(Input(2)).ToArray<float>(), Is.EqualTo(model.Call(Input(2)).ToArray<float>()), "quantizers pass through before their timeout");
        Assert.That(model.NamedModules().Any(m => m.Module is QSparseLayer), Is.False);
    }
}
