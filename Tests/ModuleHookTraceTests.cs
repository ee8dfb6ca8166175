using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>Forward hooks around <see cref="Module.Call"/>, the side-effect-free Weight, and the model trace of the seed network.</summary>
public class ModuleHookTraceTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void HooksRunInOrderAroundForwardCanReplaceValuesAndCanBeRemoved()
    {
        var events = new List<string>();
        var relu = new ReLU(Device);
        var model = new Sequential(relu);
        var first = relu.RegisterForwardPreHook((m, x) => events.Add($"pre1 {m.TypeName}"));
        using var second = relu.RegisterForwardPreHook((_, x) =>
        {
            events.Add("pre2");
            return x - 1f;
        });
        using var after = relu.RegisterForwardHook((_, x, y) =>
        {
            events.Add($"hook {string.Join(" ", y.ToArray<float>())}");
            return y * 10f;
        });
        var input = Tensor.FromArray(Device, [0.5f, 2f, -3f], 3);
        Assert.That(model.Forward(input).ToArray<float>(), Is.EqualTo(new[] { 0f, 10f, 0f }), "relu(x - 1) * 10");
        Assert.That(events, Is.EqualTo(new[] { "pre1 ReLU", "pre2", "hook 0 1 0" }));

        first.Dispose();
        first.Dispose();
        events.Clear();
        model.Call(input);
        Assert.That(events, Is.EqualTo(new[] { "pre2", "hook 0 1 0" }));
        events.Clear();
        relu.Forward(input);
        Assert.That(events, Is.Empty, "Forward itself runs no hooks");
    }

    [Test]
    public void ReadingWeightHasNoSideEffectsAndIsTheRawParameter()
    {
        using var log = new CapturingLogger();
        var conv = Quantize(Prune(new Conv2d(1, 2, 3, device: Device), sparsity: 0.5, start: 0, interval: 1, repetition: 1), bits: 8, timeout: 0, biasBits: 8);
        var (prune, quantize) = ((PruneLayer)conv.GetSubmodule("prune"), (QuantizeLayer)conv.GetSubmodule("quantize"));
        for (int i = 0; i < 3; i++)
            _ = (conv.Weight, conv.Bias);
        Assert.That((prune.NUpdates, quantize.NUpdates, quantize.Initialized), Is.EqualTo((0, 0, false)));
        Assert.That(conv.Weight, Is.SameAs(conv.StateDict().Single(kv => kv.Key == "weight").Value));

        conv.Weight.Fill(0.5f);
        Assert.That(conv.StateDict().Single(kv => kv.Key == "weight").Value.ToArray<float>(), Has.All.EqualTo(0.5f));
        conv.Train();
        using (new TensorScope())
            conv.Call(Tensor.Ones(Device, [1, 1, 3, 3]));
        Assert.That((prune.NUpdates, quantize.NUpdates, ((QuantizeLayer)conv.GetSubmodule("quantize_bias")).NUpdates), Is.EqualTo((1, 1, 1)),
            "one forward, one step of each transform");
        Assert.That(conv.Weight.ToArray<float>(), Has.All.EqualTo(0.5f), "the forward leaves the raw weight alone");
    }

    static readonly QsparsePlan quantizePrune = new(Quantize: true, PruneWeights: true, PruneFeatures: true, Window: 2, StepsPerEpoch: 1);

    [Test]
    public void TheTraceOfTheSeedNetworkListsItsCallsShapesAndQsparseLayers()
    {
        using var log = new CapturingLogger();
        var net = new MnistNet(Device, new Generator(1), quantizePrune);
        net.Eval();
        ModelTrace trace;
        using (new TensorScope())
            trace = ModelTrace.Record(net, Tensor.Rand(Device, [2, 1, 28, 28], new Generator(2)));
        Assert.That(trace.Layers.Select(c => c.Path), Is.EqualTo(new[]
        {
            "qin", "conv1", "bn1", "p1", "q1", "relu1", "conv2", "bn2", "p2", "q2", "relu2", "pool", "dropout1", "flatten",
            "fc1", "bn3", "p3", "q3", "relu3", "dropout2", "fc2", "log_softmax",
        }));
        var calls = trace.Calls.ToDictionary(c => c.Path);
        Assert.That(trace.Calls[0].Path, Is.Empty);
        Assert.That((calls["conv1"].InputShape, calls["conv1"].OutputShape), Is.EqualTo((new[] { 2, 1, 28, 28 }, new[] { 2, 32, 26, 26 })));
        Assert.That((calls["pool"].InputShape, calls["pool"].OutputShape), Is.EqualTo((new[] { 2, 64, 24, 24 }, new[] { 2, 64, 12, 12 })));
        Assert.That((calls["fc1"].InputShape, calls["fc1"].OutputShape), Is.EqualTo((new[] { 2, 9216 }, new[] { 2, 128 })));
        Assert.That(calls["conv2"].WeightOperators.Select(trace.PathOf), Is.EqualTo(new[] { "conv2.prune", "conv2.quantize" }));
        Assert.That(calls["conv2"].BiasOperators.Select(trace.PathOf), Is.EqualTo(new[] { "conv2.quantize_bias" }));
        Assert.That(calls["conv2.quantize"].IsParameterTransform, Is.True);
        Assert.That(calls["conv2.quantize"].InputShape, Is.EqualTo(new[] { 64, 32, 3, 3 }));
        Assert.That(calls["conv1"].OutputOperators, Is.Empty, "bn1 sits between conv1 and its output operators");
        Assert.That(calls["bn1"].OutputOperators.Select(trace.PathOf), Is.EqualTo(new[] { "p1", "q1" }));
        Assert.That(calls["bn1"].InputFrom, Is.SameAs(calls["conv1"]));
        Assert.That(calls["qin"].InputFrom, Is.Null);

        net.FoldBatchNorm();
        using (new TensorScope())
            trace = ModelTrace.Record(net, Tensor.Rand(Device, [2, 1, 28, 28], new Generator(2)));
        calls = trace.Calls.ToDictionary(c => c.Path);
        Assert.That(calls["bn1"].Module, Is.InstanceOf<Identity>());
        Assert.That(calls["conv1"].OutputOperators.Select(trace.PathOf), Is.EqualTo(new[] { "p1", "q1" }), "through the Identity fuse_bn left");
        Assert.That(calls["fc2"].OutputOperators, Is.Empty);
        Assert.That(trace.ToString().Split('\n')[2], Is.EqualTo("  conv1 Conv2d [2, 1, 28, 28] -> [2, 32, 26, 26] weight: conv1.quantize bias: conv1.quantize_bias output: p1, q1"));
    }

    [Test]
    public void TheSeedNetworkKeepsItsStateDictKeysInEveryMode()
    {
        using var log = new CapturingLogger();
        string[] Keys(QsparsePlan? o) => new MnistNet(Device, new Generator(1), o).StateDict().Select(kv => kv.Key).ToArray();
        string[] bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
        string[] Bn(string name) => bn.Select(k => $"{name}.{k}").ToArray();
        Assert.That(Keys(null), Is.EqualTo(new[] { "conv1.weight", "conv1.bias" }.Concat(Bn("bn1")).Concat(["conv2.weight", "conv2.bias"]).Concat(Bn("bn2"))
            .Concat(["fc1.weight", "fc1.bias"]).Concat(Bn("bn3")).Concat(["fc2.weight", "fc2.bias"])));
        var both = Keys(quantizePrune);
        Assert.That(both.Select(k => k[..k.LastIndexOf('.')]).Distinct(), Is.EqualTo(new[]
        {
            "qin", "conv1", "conv1.quantize", "conv1.quantize_bias", "bn1", "p1", "q1", "conv2", "conv2.prune", "conv2.quantize", "conv2.quantize_bias",
            "bn2", "p2", "q2", "fc1", "fc1.prune", "fc1.quantize", "fc1.quantize_bias", "bn3", "p3", "q3", "fc2", "fc2.quantize", "fc2.quantize_bias",
        }));
    }
}
