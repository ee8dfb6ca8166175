using QSparse.Nn;

namespace QSparse.Tests.Checkpoints;

/// <summary>
/// QSPARSE state in a checkpoint is checked at load against what the layers could have saved, before anything is
/// copied: a counter as float, a mask as float, a negative step count, bits other than the layer's, a decimal that is
/// not a whole number, a sparsity outside [0, 1], real state beside a never-run counter. Each is an error naming the
/// key and what was expected, and the model is left as it was; a checkpoint of layers that never ran still loads.
/// </summary>
public class QsparseStateValidationTests
{
    static Device Cpu => Accelerators.Get("cpu");

    /// <summary>A quantizer and a pruner; after <paramref name="steps"/> training forwards (0: never run).</summary>
    static Sequential Net(int steps)
    {
        var net = new Sequential(new QuantizeLayer(bits: 8, timeout: 1, device: Cpu), new PruneLayer(sparsity: 0.5, start: 1, interval: 1, repetition: 1, device: Cpu));
        net.Train();
        using var scope = new TensorScope();
        for (int i = 0; i < steps; i++)
            net.Forward(Tensor.FromArray(Cpu, Enumerable.Range(0, 8).Select(k => k * 0.37f - 1).ToArray(), 2, 4));
        return net;
    }

    static Dictionary<string, HostTensor> State(Module m) => m.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));

    static HostTensor Floats(params float[] v) => new(DType.Float32, [v.Length], v.SelectMany(BitConverter.GetBytes).ToArray());
    static HostTensor Ints(int[] shape, params int[] v) => new(DType.Int32, shape, v.SelectMany(BitConverter.GetBytes).ToArray());

    static readonly Dictionary<string, (string Key, Func<HostTensor, HostTensor> Edit, string Expected)> Cases = new()
    {
        ["counter as float"] = ("0._n_updates", _ => Floats(3), "float32 [1], expected int32 [1]"),
        ["negative counter"] = ("1._n_updates", _ => Ints([1], -3), "a step count of -3, expected >= 0"),
        ["mask as float"] = ("1.mask", m => new(DType.Float32, m.Shape, new byte[m.Numel * 4]), "expected a bool mask"),
        ["other bits"] = ("0.bits", _ => Ints([], 7), "7 bits, this layer quantizes to 8"),
        ["fractional decimal"] = ("0.decimal", _ => Floats(2.5f), "decimal 2.5 is not a whole number"),
        ["infinite decimal"] = ("0.decimal", _ => Floats(float.PositiveInfinity), "is not a whole number"),
        ["decimal of rank 2"] = ("0.decimal", _ => new(DType.Float32, [1, 1], new byte[4]), "float32 [1, 1], expected float32 [N]"),
        ["sparsity above 1"] = ("1._cur_sparsity", _ => Floats(2), "a sparsity of 2, expected one in [0, 1]"),
        ["state beside a never-run counter"] = ("0._n_updates", _ => Ints([], -1), "'_n_updates' is the placeholder of a layer that has not run"),
    };

    static IEnumerable<string> CaseNames() => Cases.Keys;

    [TestCaseSource(nameof(CaseNames))]
    public void InvalidStateIsAnErrorNamingTheKeyAndTheModelIsUnchanged(string name)
    {
        var (key, edit, expected) = Cases[name];
        var state = State(Net(3));
        state[key] = edit(state[key]);
        var model = Net(0);
        var before = State(model);
        var e = Assert.Throws<InvalidDataException>(() => model.LoadStateDict(state))!;
        Assert.That(e.Message, Does.StartWith($"state dict key '{(name == "state beside a never-run counter" ? "0.decimal" : key)}': ").And.Contain(expected));
        Assert.That(State(model).Select(kv => (kv.Key, kv.Value.Data)), Is.EqualTo(before.Select(kv => (kv.Key, kv.Value.Data))));
    }

    [Test]
    public void ValidStateOfRunAndNeverRunLayersLoads()
    {
        var trained = State(Net(3));
        var model = Net(0);
        model.LoadStateDict(trained);
        Assert.That(State(model).Select(kv => (kv.Key, kv.Value.Data)), Is.EqualTo(trained.Select(kv => (kv.Key, kv.Value.Data))));
        Assert.That(((QuantizeLayer)model[0]).NUpdates, Is.EqualTo(3));
        Assert.That(() => Net(0).LoadStateDict(State(Net(0))), Throws.Nothing);
    }
}
