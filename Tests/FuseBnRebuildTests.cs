using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// FuseBn removes folded BatchNorms as QSPARSE's fuse_bn does: Sequentials rebuilt (renumbered, nested ones left with
/// one child unwrapped, empty ones dropped), so state-dict keys are the reference's; BatchNorms in fields become Identity.
/// </summary>
public class FuseBnRebuildTests(string kind) : DeviceTest(kind)
{
    static void Randomize(Module model, Generator g)
    {
        foreach (var bn in model.NamedModules().Select(m => m.Module).OfType<BatchNorm>())
            RandomBatchNorm.Randomize(bn, g);
    }

    static string[] Keys(Module m) => m.StateDict().Select(kv => kv.Key).ToArray();

    [Test]
    public void NestedSequentialsAreRebuiltAsTheReferenceDoes([Values] bool withTrace)
    {
        var g = new Generator(21);
        var model = new Sequential(
            new Sequential(new Conv2d(2, 3, 3, device: Device, generator: g), new BatchNorm2d(3, device: Device)),
            new ReLU(Device),
            new Sequential(new Conv2d(3, 4, 3, device: Device, generator: g), new Sequential(new BatchNorm2d(4, device: Device)), new ReLU(Device)),
            new Flatten(device: Device), new Linear(64, 5, device: Device, generator: g), new BatchNorm1d(5, device: Device));
        Randomize(model, g);
        model.Eval();
        var x = Tensor.Rand(Device, [2, 2, 8, 8], g, -1, 1);
        var expected = model.Call(x).ToArray<float>();
        var bn = model.GetSubmodule("0.1");
        FuseBn(model, withTrace ? ModelTrace.Record(model, x) : null);
        // fuse_bn_sequential: Sequential(conv, bn) -> conv; the nested Sequential(bn) folds into the conv before it and is dropped.
        Assert.That(Keys(model), Is.EqualTo(new[] { "0.weight", "0.bias", "2.0.weight", "2.0.bias", "4.weight", "4.bias" }));
        Assert.That(model.NamedChildren().Select(c => c.Module.TypeName), Is.EqualTo(new[] { "Conv2d", "ReLU", "Sequential", "Flatten", "Linear" }));
        Tolerance.AssertClose(model.Call(x).ToArray<float>(), expected, 1e-5, 1e-5, "fused output");
        var e = Assert.Throws<InvalidOperationException>(() => bn.Call(x))!;
        Assert.That(e.Message, Does.StartWith("BatchNorm2d was folded into '0.0' by FuseBn and removed from its Sequential"));
    }

    [Test]
    public void NamedChildrenAreRenumbered()
    {
        var g = new Generator(22);
        var model = new Sequential(("conv", new Conv2d(1, 2, 3, bias: false, device: Device, generator: g)),
            ("bn", new BatchNorm2d(2, device: Device)), ("act", new ReLU(Device)));
        FuseBn(model);
        Assert.That(Keys(model), Is.EqualTo(new[] { "0.weight", "0.bias" }));
        Assert.That(model.NamedChildren().Select(c => c.Name), Is.EqualTo(new[] { "0", "1" }));
    }

    /// <summary>A user module with a Sequential child declared Module, one declared Sequential, and a BatchNorm field.</summary>
    sealed class Net : Module
    {
        readonly Module features, conv, bn, flatten;
        readonly Sequential head;

        public Net(Device device, Generator g) : base(device)
        {
            features = RegisterModule("features", new Sequential(new Conv2d(1, 2, 3, device: device, generator: g), new BatchNorm2d(2, device: device)));
            conv = RegisterModule("conv", new Conv2d(2, 2, 3, device: device, generator: g));
            bn = RegisterModule("bn", new BatchNorm2d(2, device: device));
            flatten = RegisterModule("flatten", new Flatten(device: device));
            head = RegisterModule("head", new Sequential(new Linear(16, 3, device: device, generator: g), new BatchNorm1d(3, device: device)));
        }

        public override Tensor Forward(Tensor x) => head.Call(flatten.Call(bn.Call(conv.Call(features.Call(x)))));
    }

    [Test]
    public void ChildSequentialsAreRebuiltAndFieldsGetIdentity()
    {
        var g = new Generator(23);
        var model = new Net(Device, g);
        Randomize(model, g);
        model.Eval();
        var x = Tensor.Rand(Device, [2, 1, 8, 6], g, -1, 1);
        var expected = model.Call(x).ToArray<float>();
        FuseBn(model);
        // features: Sequential(conv, bn) -> conv (the reference's single-child result); head stays a Sequential of
        // one child (its field is declared Sequential, which cannot hold a Linear); the field BatchNorm is an Identity.
        Assert.That(Keys(model), Is.EqualTo(new[] { "features.weight", "features.bias", "conv.weight", "conv.bias", "head.0.weight", "head.0.bias" }));
        Assert.That(model.GetSubmodule("features"), Is.TypeOf<Conv2d>());
        Assert.That(model.GetSubmodule("bn"), Is.TypeOf<Identity>());
        Tolerance.AssertClose(model.Call(x).ToArray<float>(), expected, 1e-5, 1e-5, "fused output");
    }

    [Test]
    public void AQuantizedActivationBetweenLayerAndBatchNormIsNotFolded()
    {
        using var log = new CapturingLogger();
        var model = new Sequential(new Conv2d(1, 2, 3, device: Device), Quantize(bits: 8, device: Device), new BatchNorm2d(2, device: Device));
        FuseBn(model);
        Assert.That(model.NamedChildren().Select(c => c.Module.TypeName), Is.EqualTo(new[] { "Conv2d", "QuantizeLayer", "BatchNorm2d" }));
    }
}
