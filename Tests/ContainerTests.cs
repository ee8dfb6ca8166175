using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>ModuleList and ModuleDict: PyTorch's registration names, state-dict keys and printing; not callable; rewritten by Convert.</summary>
public class ContainerTests(string kind) : DeviceTest(kind)
{
    /// <summary>A module that keeps its layers in a ModuleList and runs them in a loop, as PyTorch users write it.</summary>
    sealed class Stack : Module
    {
        readonly ModuleList layers;

        public Stack(Device device, params Module[] modules) : base(device) =>
            layers = RegisterModule("layers", new ModuleList(modules[..^1]).Append(modules[^1]));

        public ModuleList Layers => layers;

        public override Tensor Forward(Tensor x)
        {
            foreach (var layer in layers)
                x = CallChild(layer, x);
            return x;
        }
    }

    [Test]
    public void ModuleListNamesItsChildrenByPositionAndPrintsLikePyTorch()
    {
        var list = new ModuleList(new Linear(2, 3, device: Device), new ReLU(Device));
        list.Extend([new Identity(Device)]);
        Assert.That(list.NamedChildren().Select(c => c.Name), Is.EqualTo(new[] { "0", "1", "2" }));
        Assert.That(list, Has.Count.EqualTo(3));
        Assert.That(list[-2], Is.InstanceOf<ReLU>());
        Assert.That(list.StateDict().Select(kv => kv.Key), Is.EqualTo(new[] { "0.weight", "0.bias" }));
        Assert.That(list.ToString(), Is.EqualTo(
            "ModuleList(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n  (2): Identity()\n)"));
        Assert.That(new ModuleList().ToString(), Is.EqualTo("ModuleList()"));
        list[1] = new Identity(Device);
        Assert.That(list[1], Is.InstanceOf<Identity>());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = list[3])!;
        Assert.That(e.Message, Does.Contain("index 3 is out of range for 3 modules"));
    }

    [Test]
    public void ContainersAreNotCallable()
    {
        using var x = Tensor.Zeros(Device, [1, 2]);
        Assert.That(Assert.Throws<InvalidOperationException>(() => new ModuleList(new ReLU(Device)).Call(x))!.Message, Does.Contain("ModuleList has no Forward"));
        Assert.That(Assert.Throws<InvalidOperationException>(() => new ModuleDict(("a", new ReLU(Device))).Call(x))!.Message, Does.Contain("ModuleDict has no Forward"));
    }

    [Test]
    public void ModuleDictKeepsInsertionOrderUnderItsKeys()
    {
        var dict = new ModuleDict(("conv", new Linear(2, 2, bias: false, device: Device)), ("act", new ReLU(Device)));
        dict["out"] = new Identity(Device);
        Assert.That(dict.Keys, Is.EqualTo(new[] { "conv", "act", "out" }));
        Assert.That(dict["act"], Is.InstanceOf<ReLU>());
        Assert.That(dict.ContainsKey("conv") && !dict.ContainsKey("fc"), Is.True);
        Assert.That(dict.StateDict().Select(kv => kv.Key), Is.EqualTo(new[] { "conv.weight" }));
        Assert.That(dict.ToString(), Is.EqualTo(
            "ModuleDict(\n  (conv): Linear(in_features=2, out_features=2, bias=False)\n  (act): ReLU()\n  (out): Identity()\n)"));
        dict["act"] = new Identity(Device);
        Assert.That(dict.Keys, Is.EqualTo(new[] { "conv", "act", "out" }), "replacing keeps the position");
        Assert.That(Assert.Throws<KeyNotFoundException>(() => _ = dict["fc"])!.Message, Does.Contain("no key 'fc'"));
        Assert.That(Assert.Throws<ArgumentException>(() => dict["a.b"] = new ReLU(Device))!.Message, Does.Contain("'a.b'"));
    }

    [Test]
    public void ConvertWrapsTheLayersOfAModuleListAndTheOwnerRunsTheWrappers()
    {
        using var log = new CapturingLogger();
        var g = new Generator(3);
        var model = new Stack(Device, new Linear(4, 3, device: Device, generator: g), new ReLU(Device), new Linear(3, 2, device: Device, generator: g));
        var converted = Convert(model, m => m is null ? Quantize(bits: 8, channelwise: -1, device: Device) : Quantize(m, bits: 8),
            weightLayers: [typeof(Linear)], activationLayers: [typeof(ReLU)]);
        Assert.That(converted.NamedModules().Where(m => m.Module is QuantizeLayer).Select(m => m.Name),
            Is.EqualTo(new[] { "layers.0.quantize", "layers.1.1", "layers.2.quantize" }));
        using (new TensorScope())
            converted.Call(Tensor.Rand(Device, [2, 4], new Generator(4)));
        Assert.That(converted.NamedModules().Select(m => m.Module).OfType<QuantizeLayer>().Select(q => q.NUpdates), Has.All.EqualTo(1));
    }

    [Test]
    public void FuseBnFoldsABatchNormHeldInAModuleList()
    {
        using var scope = new TensorScope();
        var g = new Generator(5);
        var model = new Stack(Device, new Conv2d(2, 3, 3, padding: 1, device: Device, generator: g), new BatchNorm2d(3, device: Device), new ReLU(Device));
        var x = Tensor.Randn(Device, [2, 2, 4, 4], new Generator(6));
        model.Call(x);
        model.Eval();
        var before = model.Call(x).ToArray<float>();
        QSparseOps.FuseBn(model);
        Assert.That(model.Layers[1], Is.InstanceOf<Identity>());
        Tolerance.AssertClose(model.Call(x).ToArray<float>(), before, 1e-5, 1e-5, "evaluation output after FuseBn");
    }
}
