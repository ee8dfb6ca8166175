using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The checks shared by the golden end-to-end runs (golden/README.md: train_small, resnet_small, sr_small):
/// every loss within 1e-4, decimals and counters equal, masks equal on at least 99.5% of entries, the
/// evaluation output within 1e-3, and the log lines, state-dict keys and printed model exactly.
/// </summary>
public static class EndToEndGolden
{
    /// <summary>One golden run's files: <c>&lt;name&gt;_init.safetensors</c>, <c>&lt;name&gt;_final.safetensors</c> and <c>&lt;name&gt;.json</c>.</summary>
    public sealed record Run(Dictionary<string, HostTensor> Init, Dictionary<string, HostTensor> Final, JsonNode Json)
    {
        /// <summary>The reference's E (epoch length in steps) that the prune and quantize schedules are given in.</summary>
        public int E => Json["E"]!.GetValue<int>();

        /// <summary>Step <paramref name="step"/>'s batch <c>xs.&lt;step&gt;</c> and targets <c>ys.&lt;step&gt;</c> on <paramref name="device"/>.</summary>
        public (Tensor X, Tensor Y) Batch(Device device, int step) => (Init[$"xs.{step}"].ToDevice(device), Init[$"ys.{step}"].ToDevice(device));

        /// <summary>
        /// After training: the QSPARSE state (<see cref="AssertQSparseState"/>), y_eval on x_eval, and, where the
        /// JSON has them, the log lines, state-dict keys and printed model.
        /// </summary>
        public void AssertFinal(Module model, Device device, CapturingLogger log)
        {
            AssertQSparseState(model, Final);
            AssertEvaluation(model, device, Init["x_eval"], Final["y_eval"]);
            if (Json["log"] != null)
                AssertLogKeysAndRepr(Json, model, log);
        }
    }

    /// <summary>Loads the golden run <paramref name="name"/> ("resnet_small").</summary>
    public static Run Load(string name) =>
        new(Golden.Tensors($"{name}_init.safetensors"), Golden.Tensors($"{name}_final.safetensors"), Golden.Json($"{name}.json"));

    /// <summary>The reference's losses, one per training step.</summary>
    public static double[] Losses(JsonNode json) => json["losses"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    /// <summary>The initial state stored as <c>init.&lt;key&gt;</c>, keyed as the network before any QSPARSE layer.</summary>
    public static Dictionary<string, HostTensor> InitialState(Dictionary<string, HostTensor> init) =>
        init.Where(kv => kv.Key.StartsWith("init.")).ToDictionary(kv => kv.Key["init.".Length..], kv => kv.Value);

    /// <summary>
    /// Runs one optimizer step per reference loss (<paramref name="lossOf"/> gives step i's loss) and checks
    /// each loss within 1e-4 of the reference.
    /// </summary>
    public static void Train(Optimizer optimizer, double[] expected, Func<int, Tensor> lossOf)
    {
        for (int step = 0; step < expected.Length; step++)
        {
            using var scope = new TensorScope();
            var loss = lossOf(step);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            Assert.That(loss.Item(), Is.EqualTo(expected[step]).Within(1e-4), $"loss {step}");
        }
    }

    /// <summary>Decimals and counters equal to the reference's final state, masks equal on at least 99.5% of entries.</summary>
    public static void AssertQSparseState(Module model, Dictionary<string, HostTensor> final)
    {
        foreach (var (key, value) in model.StateDict())
        {
            var want = final[key];
            if (key.EndsWith("decimal") || key.EndsWith("_n_updates") || key.EndsWith("_quantized") || key.EndsWith("_cur_sparsity"))
                Assert.That(HostTensor.From(value).Data, Is.EqualTo(want.Data), key);
            else if (key.EndsWith("mask"))
            {
                var got = value.ToArray<bool>();
                var wanted = want.AsBools();
                double agree = got.Zip(wanted).Count(p => p.First == p.Second) / (double)got.Length;
                Assert.That(agree, Is.GreaterThanOrEqualTo(0.995), key);
            }
        }
    }

    /// <summary>The model's output in evaluation mode on <paramref name="x"/> within 1e-3 of <paramref name="expected"/>.</summary>
    public static void AssertEvaluation(Module model, Device device, HostTensor x, HostTensor expected)
    {
        model.Eval();
        using var scope = new TensorScope();
        Tolerance.AssertClose(model.Call(x.ToDevice(device)).ToArray<float>(), expected.AsFloats(), 0, 1e-3, "y_eval");
    }

    /// <summary>The log lines, the final state-dict keys in order and the printed model exactly as the reference's.</summary>
    public static void AssertLogKeysAndRepr(JsonNode json, Module model, CapturingLogger log)
    {
        Assert.That(log.Lines, Is.EqualTo(Strings(json["log"]!)), "log lines");
        Assert.That(model.StateDict().Select(kv => kv.Key), Is.EqualTo(Strings(json["state_dict_keys"]!)), "state-dict keys");
        Assert.That(model.ToString(), Is.EqualTo(json["repr"]!.GetValue<string>()), "printed model");
    }

    static string[] Strings(JsonNode node) => node.AsArray().Select(v => v!.GetValue<string>()).ToArray();
}
