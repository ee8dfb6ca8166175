using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// Rewrites of modules written as a PyTorch user writes them (children in fields and properties, called
/// from Forward): Convert's activation quantizers run, FuseBn keeps the evaluation output, a rewrite that
/// cannot reach what Forward calls throws before changing anything, a stale reference throws when called.
/// </summary>
public class ModuleRewriteTests(string kind) : DeviceTest(kind)
{
    /// <summary>QSPARSE's CIFAR ResNet block: relu2(bn2(conv2(relu1(bn1(conv1(x))))) + shortcut(x)), children in fields and auto-properties.</summary>
    sealed class BasicBlock : Module
    {
        readonly Module conv1, bn1, relu1;
        readonly Module shortcut;

        public BasicBlock(int cin, int cout, int stride, Device device, Generator g) : base(device)
        {
            conv1 = RegisterModule("conv1", new Conv2d(cin, cout, 3, stride, 1, bias: false, device: device, generator: g));
            bn1 = RegisterModule("bn1", new BatchNorm2d(cout, device: device));
            relu1 = RegisterModule("relu1", new ReLU(device));
            Conv2 = RegisterModule("conv2", new Conv2d(cout, cout, 3, 1, 1, bias: false, device: device, generator: g));
            Bn2 = RegisterModule("bn2", new BatchNorm2d(cout, device: device));
            shortcut = RegisterModule<Module>("shortcut", stride != 1 || cin != cout
                ? new Sequential(new Conv2d(cin, cout, 1, stride, bias: false, device: device, generator: g), new BatchNorm2d(cout, device: device))
                : new Identity(device));
            Relu2 = RegisterModule("relu2", new ReLU(device));
        }

        Module Conv2 { get; }
        Module Bn2 { get; }
        public Module Relu2 { get; }

        public override Tensor Forward(Tensor x) =>
            Relu2.Call(Bn2.Call(Conv2.Call(relu1.Call(bn1.Call(conv1.Call(x))))) + shortcut.Call(x));
    }

    /// <summary>stem → bn → relu → block1(8, 8, 1) → block2(8, 16, 2) → flatten → fc, on [N, 3, 6, 6].</summary>
    sealed class ResNet : Module
    {
        readonly Module stem, bn, relu, flatten, fc;
        readonly Module[] blocks;

        public ResNet(Device device, Generator g) : base(device)
        {
            stem = RegisterModule("stem", new Conv2d(3, 8, 3, 1, 1, bias: false, device: device, generator: g));
            bn = RegisterModule("bn", new BatchNorm2d(8, device: device));
            relu = RegisterModule("relu", new ReLU(device));
            blocks = [RegisterModule("block1", new BasicBlock(8, 8, 1, device, g)), RegisterModule("block2", new BasicBlock(8, 16, 2, device, g))];
            flatten = RegisterModule("flatten", new Flatten(device: device));
            fc = RegisterModule("fc", new Linear(16 * 3 * 3, 10, device: device, generator: g));
        }

        public override Tensor Forward(Tensor x)
        {
            x = relu.Call(bn.Call(stem.Call(x)));
            foreach (var block in blocks)
                x = block.Call(x);
            return fc.Call(flatten.Call(x));
        }
    }

    /// <summary>A block whose BatchNorm field is declared with its own type: FuseBn cannot put an Identity there.</summary>
    sealed class NarrowBlock : Module
    {
        readonly Conv2d conv;
        readonly BatchNorm2d bn;

        public NarrowBlock(Device device, Generator g) : base(device)
        {
            conv = RegisterModule("conv", new Conv2d(2, 3, 3, device: device, generator: g));
            bn = RegisterModule("bn", new BatchNorm2d(3, device: device));
        }

        public override Tensor Forward(Tensor x) => bn.Call(conv.Call(x));
    }

    /// <summary>Holds a reference to a grandchild the rewrite of its child cannot see.</summary>
    sealed class Aliasing : Module
    {
        readonly Module block;
        readonly Module alias;

        public Aliasing(Device device, Generator g) : base(device)
        {
            block = RegisterModule("block", new BasicBlock(3, 3, 1, device, g));
            alias = ((BasicBlock)block).Relu2;
        }

        public override Tensor Forward(Tensor x) => alias.Call(block.Call(x));
    }

    static void Randomize(Module model, Generator g)
    {
        foreach (var bn in model.NamedModules().Select(m => m.Module).OfType<BatchNorm>())
            RandomBatchNorm.Randomize(bn, g);
    }

    [Test]
    public void ConvertedActivationQuantizersRunInAModuleThatCallsItsFields()
    {
        using var log = new CapturingLogger();
        var model = new ResNet(Device, new Generator(1));
        var converted = Convert(model, m => m is null ? Quantize(bits: 8, channelwise: -1, device: Device) : Quantize(m, bits: 8),
            weightLayers: [typeof(Conv2d)], activationLayers: [typeof(ReLU)]);
        var quantizers = converted.NamedModules().Where(m => m.Module is QuantizeLayer { Collapse: 0 }).ToList();
        Assert.That(quantizers.Select(q => q.Name), Is.EqualTo(new[]
        {
            "relu.1", "block1.relu1.1", "block1.relu2.1", "block2.relu1.1", "block2.relu2.1",
        }));
        converted.Train();
        using (new TensorScope())
            converted.Call(Tensor.Rand(Device, [2, 3, 6, 6], new Generator(2)));
        foreach (var (path, q) in quantizers)
            Assert.That(((QuantizeLayer)q).NUpdates, Is.EqualTo(1), $"{path} ran once");
        var weights = converted.NamedModules().Where(m => m.Module is QuantizeLayer { Collapse: -1 }).ToList();
        Assert.That(weights, Has.Count.EqualTo(6));
        Assert.That(weights.Select(w => ((QuantizeLayer)w.Module).NUpdates), Has.All.EqualTo(1));
    }

    [Test]
    public void FuseBnKeepsTheEvaluationOutputOfAModuleThatCallsItsFields([Values] bool withTrace)
    {
        var g = new Generator(3);
        var model = new ResNet(Device, g);
        Randomize(model, g);
        model.Eval();
        var x = Tensor.Rand(Device, [2, 3, 6, 6], g, -1, 1);
        var expected = model.Call(x).ToArray<float>();
        FuseBn(model, withTrace ? ModelTrace.Record(model, x) : null);
        Assert.That(model.NamedModules().Where(m => m.Module is Identity).Select(m => m.Name),
            Is.EqualTo(new[] { "bn", "block1.bn1", "block1.bn2", "block1.shortcut", "block2.bn1", "block2.bn2", "block2.shortcut.1" }));
        Assert.That(model.NamedModules().Count(m => m.Module is BatchNorm), Is.Zero);
        Tolerance.AssertClose(model.Call(x).ToArray<float>(), expected, 0, 1e-5, "fused output");
    }

    [Test]
    public void ARewriteAFieldCannotHoldThrowsBeforeChangingAnything()
    {
        var g = new Generator(4);
        var model = new Sequential(("block", new NarrowBlock(Device, g)));
        Randomize(model, g);
        var before = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes());
        var e = Assert.Throws<InvalidOperationException>(() => FuseBn(model))!;
        Assert.That(e.Message, Is.EqualTo(
            "cannot replace 'block.bn' (BatchNorm2d) with Identity: NarrowBlock.bn is declared BatchNorm2d, which cannot hold it; declare it as Module"));
        Assert.That(model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToBytes()), Is.EqualTo(before), "nothing folded");
        Assert.That(model.GetSubmodule("block.bn"), Is.InstanceOf<BatchNorm2d>());

        e = Assert.Throws<InvalidOperationException>(() => Convert(model, m => m is null ? Prune(device: Device) : Prune(m), activationLayers: [typeof(Conv2d)]))!;
        Assert.That(e.Message, Does.StartWith("cannot replace 'block.conv' (Conv2d) with Sequential: NarrowBlock.conv is declared Conv2d"));
    }

    /// <summary>bn(conv(x)) + relu(conv(x)): folding bn would change what relu reads.</summary>
    sealed class SharedOutput : Module
    {
        readonly Module conv, bn, relu;

        public SharedOutput(Device device, Generator g) : base(device)
        {
            conv = RegisterModule("conv", new Conv2d(2, 2, 1, device: device, generator: g));
            bn = RegisterModule("bn", new BatchNorm2d(2, device: device));
            relu = RegisterModule("relu", new ReLU(device));
        }

        public override Tensor Forward(Tensor x)
        {
            var y = conv.Call(x);
            return bn.Call(y) + relu.Call(y);
        }
    }

    [Test]
    public void FuseBnByTraceRefusesALayerWhoseOutputIsAlsoReadElsewhere()
    {
        var model = new SharedOutput(Device, new Generator(6));
        model.Eval();
        var trace = ModelTrace.Record(model, Tensor.Rand(Device, [1, 2, 3, 3]));
        var e = Assert.Throws<InvalidOperationException>(() => FuseBn(model, trace))!;
        Assert.That(e.Message, Is.EqualTo("cannot fold 'bn' into 'conv': the layer's output is also read by 'relu'"));
        Assert.That(model.GetSubmodule("bn"), Is.InstanceOf<BatchNorm2d>());
    }

    [Test]
    public void AStaleReferenceThrowsWhenCalledAfterTheRewrite()
    {
        using var log = new CapturingLogger();
        var g = new Generator(5);
        var x = Tensor.Rand(Device, [1, 3, 4, 4], g);

        var folded = new Aliasing(Device, g);
        var bn1 = folded.GetSubmodule("block.bn1");
        FuseBn(folded);
        var e = Assert.Throws<InvalidOperationException>(() => bn1.Call(x))!;
        Assert.That(e.Message, Does.StartWith("BatchNorm2d was folded into 'block.conv1' by FuseBn and replaced by Identity at 'block.bn1'"));
        Assert.That(folded.Call(x).Shape, Is.EqualTo(new[] { 1, 3, 4, 4 }), "the updated fields run");

        var wrapped = new Aliasing(Device, g);
        Convert(wrapped, m => m is null ? Quantize(device: Device) : Quantize(m), activationLayers: [typeof(ReLU)]);
        e = Assert.Throws<InvalidOperationException>(() => wrapped.Call(x))!;
        Assert.That(e.Message, Does.StartWith("ReLU was wrapped into Sequential by a rewrite but is called directly by Aliasing"));
    }

    [Test]
    public void ReplaceChildUpdatesFieldsArraysAndListsAndRetiresTheOldChild()
    {
        var holder = new Holder(Device);
        var old = holder.GetSubmodule("a");
        var replacement = new Identity(Device);
        holder.ReplaceChild("a", replacement);
        Assert.That(holder.References, Is.All.SameAs(replacement));
        Assert.That(holder.GetSubmodule("a"), Is.SameAs(replacement));
        Assert.That(() => old.Call(Tensor.Zeros(Device, [1])), Throws.InvalidOperationException.With.Message.Contains("replaced by Identity at 'a'"));
        Assert.That(() => holder.ReplaceChild("b", replacement), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("has no child 'b'"));
    }

    /// <summary>Holds its child in a field, an array and a List.</summary>
    sealed class Holder : Module
    {
        readonly Module child;
        readonly Module[] array;
        readonly List<Module> list;

        public Holder(Device device) : base(device)
        {
            child = RegisterModule("a", new ReLU(device));
            array = [child];
            list = [child];
        }

        public IEnumerable<Module> References => [child, array[0], list[0]];

        public override Tensor Forward(Tensor x) => child.Call(x);
    }

    /// <summary>A user layer with a weight whose Forward forgets the transforms: quantizing it would be a silent no-op.</summary>
    sealed class ForgetfulLayer : Module
    {
        public ForgetfulLayer(Device device) : base(device) => RegisterParameter("weight", Tensor.Ones(device, [3]));

        public override Tensor Forward(Tensor x) => x.Mul(Slot("weight")!);
    }

    [Test]
    public void AForwardThatSkipsTheWeightTransformsOrASecondQuantizeThrows()
    {
        using var log = new CapturingLogger();
        var layer = Quantize(new ForgetfulLayer(Device), bits: 8, channelwise: -1);
        var e = Assert.Throws<InvalidOperationException>(() => layer.Call(Tensor.Ones(Device, [2, 3])))!;
        Assert.That(e.Message, Does.StartWith("ForgetfulLayer.Forward did not apply the transforms of 'weight' (QuantizeLayer)"));
        var twice = Assert.Throws<ArgumentException>(() => Quantize(layer, bits: 4))!;
        Assert.That(twice.Message, Does.StartWith("ForgetfulLayer already has a child 'quantize'"));
    }

    [Test]
    public void AConvertedLayerConvertedAgainIsWrappedWhole()
    {
        using var log = new CapturingLogger();
        var model = new Sequential(("conv", new Conv2d(1, 2, 3, device: Device)), ("relu", new ReLU(Device)));
        model = (Sequential)Convert(model, m => m is null ? Prune(device: Device) : Prune(m), activationLayers: [typeof(ReLU)]);
        model = (Sequential)Convert(model, m => m is null ? Quantize(device: Device) : Quantize(m), activationLayers: [typeof(ReLU)]);
        Assert.That(model.StateDict().Select(kv => kv.Key), Is.EqualTo(new[]
        {
            "conv.weight", "conv.bias", "relu.0.1.mask", "relu.0.1._n_updates", "relu.0.1._cur_sparsity",
            "relu.1.decimal", "relu.1._n_updates", "relu.1.bits", "relu.1._quantized",
        }));
        Assert.That(model.Call(Tensor.Rand(Device, [1, 1, 5, 5])).Shape, Is.EqualTo(new[] { 1, 2, 3, 3 }));
    }
}
