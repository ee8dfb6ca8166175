using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The data-flow graph of a <see cref="ModelTrace"/>: functional ops between module calls (a residual add, a
/// concatenation, the reshapes and permute of a functional pixel shuffle) are steps that know which steps
/// made their inputs, with or without gradients; the ops inside a layer are not.
/// </summary>
public class ModelTraceGraphTests(string kind) : DeviceTest(kind)
{
    /// <summary>relu(bn(conv(x)) + x).</summary>
    sealed class Residual : Module
    {
        readonly Module conv, bn, relu;

        public Residual(Device device) : base(device)
        {
            conv = RegisterModule("conv", new Conv2d(2, 2, 3, padding: 1, device: device, generator: new Generator(1)));
            bn = RegisterModule("bn", new BatchNorm2d(2, device: device));
            relu = RegisterModule("relu", new ReLU(device));
        }

        public override Tensor Forward(Tensor x) => relu.Call(bn.Call(conv.Call(x)) + x);
    }

    /// <summary>fuse(cat(a(x), b(x))) along the channels, then a functional pixel shuffle.</summary>
    sealed class Branches : Module
    {
        readonly Module a, b, fuse;

        public Branches(Device device) : base(device)
        {
            var g = new Generator(2);
            a = RegisterModule("a", new Conv2d(1, 3, 3, padding: 1, device: device, generator: g));
            b = RegisterModule("b", new Conv2d(1, 1, 1, device: device, generator: g));
            fuse = RegisterModule("fuse", new Conv2d(4, 4, 1, device: device, generator: g));
        }

        public override Tensor Forward(Tensor x) => Functional.PixelShuffle(fuse.Call(Tensor.Cat([a.Call(x), b.Call(x)], 1)), 2);
    }

    [Test]
    public void AResidualAddReadsTheBatchNormAndTheModelInput()
    {
        var net = new Residual(Device);
        net.Eval();
        ModelTrace trace;
        using (new TensorScope())
        using (Autograd.NoGrad())
            trace = ModelTrace.Record(net, Tensor.Rand(Device, [1, 2, 4, 4], new Generator(3)));
        var calls = trace.Calls.ToDictionary(c => c.Path);
        var add = trace.Steps.OfType<FunctionalOp>().Single();
        Assert.That(trace.Steps.Select(s => s.Describe()), Is.EqualTo(new[] { "Conv2d at 'conv'", "BatchNorm2d at 'bn'", "op Add after 'bn'", "ReLU at 'relu'" }),
            "the convolution's own ops are its call");
        Assert.That((add.Name, add.Parent, add.After), Is.EqualTo(("Add", trace.Calls[0], calls["bn"])));
        Assert.That(add.Inputs, Is.EqualTo(new TraceStep[] { calls["bn"], trace.Input }));
        Assert.That(add.InputShapes, Is.EqualTo(new[] { new[] { 1, 2, 4, 4 }, new[] { 1, 2, 4, 4 } }));
        Assert.That((calls["relu"].Source, calls["relu"].InputFrom), Is.EqualTo((add, (ModuleCall?)null)));
        Assert.That(calls["conv"].Source, Is.SameAs(trace.Input));
        Assert.That(trace.ReadersOf(trace.Input), Is.EqualTo(new TraceStep[] { calls["conv"], add }));
        Assert.That(trace.ReadersOf(calls["bn"]), Is.EqualTo(new[] { add }));
        Assert.That(trace.OutputFrom, Is.SameAs(calls["relu"]));
    }

    [Test]
    public void ACatReadsBothBranchesAndKnowsItsDimensionWithGradientsOn()
    {
        var net = new Branches(Device);
        ModelTrace trace;
        using (new TensorScope())
            trace = ModelTrace.Record(net, Tensor.Rand(Device, [2, 1, 3, 3], new Generator(4)), keepOutputs: true);
        var calls = trace.Calls.ToDictionary(c => c.Path);
        var ops = trace.Steps.OfType<FunctionalOp>().ToList();
        Assert.That(ops.Select(o => o.ToString()), Is.EqualTo(new[]
        {
            "op Cat after 'b' [2, 3, 3, 3] [2, 1, 3, 3] -> [2, 4, 3, 3]",
            "op Reshape after 'fuse' [2, 4, 3, 3] -> [2, 1, 2, 2, 3, 3]",
            "op Permute after 'fuse' [2, 1, 2, 2, 3, 3] -> [2, 1, 3, 2, 3, 2]",
            "op Reshape after 'fuse' [2, 1, 3, 2, 3, 2] -> [2, 1, 6, 6]",
        }));
        var cat = ops[0];
        Assert.That((cat.Inputs, cat.Arguments), Is.EqualTo((new TraceStep[] { calls["a"], calls["b"] }, new[] { 1 })));
        Assert.That(calls["fuse"].Source, Is.SameAs(cat));
        Assert.That(ops[2].Arguments, Is.EqualTo(new[] { 0, 1, 4, 2, 5, 3 }));
        Assert.That(ops.Skip(1).Select(o => o.Inputs.Single()), Is.EqualTo(new TraceStep[] { calls["fuse"], ops[1], ops[2] }));
        Assert.That(trace.OutputFrom, Is.SameAs(ops[3]));
        Assert.That(ops[3].Output!.Shape, Is.EqualTo(new[] { 2, 1, 6, 6 }));
        Assert.That(trace.ReadersOf(calls["a"]), Is.EqualTo(new[] { cat }));
    }
}
