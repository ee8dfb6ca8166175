using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

namespace QSparse.Tests;

/// <summary>
/// The reference's step-by-step trace (golden schedules.json): a weight-pruned and quantized Conv2d, an
/// activation PruneLayer and an activation QuantizeLayer (windows of 2), auto-named, fed x + 0.01·step.
/// The initial weight is the final one (the run only does forwards); x is the last input less 0.01·(steps - 1).
/// </summary>
public class QsparseScheduleGoldenTests(string kind) : DeviceTest(kind)
{
    [Test]
    public void TraceLogAndFinalStateMatchTheReference()
    {
        var json = Golden.Json("schedules.json");
        var p = json["params"]!;
        int start = p["start"]!.GetValue<int>(), interval = p["interval"]!.GetValue<int>(), repetition = p["repetition"]!.GetValue<int>(),
            timeout = p["timeout"]!.GetValue<int>(), steps = p["steps"]!.GetValue<int>();
        double sparsity = p["sparsity"]!.GetValue<double>();
        var final = Golden.Tensors("schedules_final.safetensors");

        using var log = new CapturingLogger();
        var conv = Quantize(Prune(new Conv2d(2, 6, 3, bias: false, device: Device), sparsity, start, interval, repetition),
            timeout: timeout, channelwise: 0);
        var actPrune = Prune(sparsity, start, interval, repetition, windowSize: 2, device: Device);
        var actQuantize = Quantize(timeout: timeout, windowSize: 2, device: Device);
        var net = AutoNamePruneQuantizeLayers(new Sequential(conv, actPrune, actQuantize));
        net.LoadStateDict(new Dictionary<string, HostTensor> { ["0.weight"] = final["0.weight"] }, strict: false);

        var last = final["input_last"].AsFloats();
        var x = last.Select(v => v - (float)(0.01 * (steps - 1))).ToArray();
        var weightPrune = (PruneLayer)conv.NamedChildren().Single(c => c.Name == "prune").Module;
        var weightQuantize = (QuantizeLayer)conv.NamedChildren().Single(c => c.Name == "quantize").Module;
        float[] output = [];
        foreach (var row in json["trace"]!.AsArray())
        {
            int step = row!["step"]!.GetValue<int>();
            using var scope = new TensorScope();
            var input = step == steps - 1 ? last : x.Select(v => v + (float)(0.01 * step)).ToArray();
            output = net.Forward(Tensor.FromArray(Device, input, final["input_last"].Shape)).ToArray<float>();
            string at = $"after step {step}";
            Assert.That(weightPrune.CurrentSparsity, Is.EqualTo(row["weight_cur_sparsity"]!.GetValue<float>()), at);
            Assert.That(actPrune.CurrentSparsity, Is.EqualTo(row["act_cur_sparsity"]!.GetValue<float>()), at);
            Assert.That(weightQuantize.Quantized, Is.EqualTo(row["weight_quantized"]!.GetValue<bool>()), at);
            Assert.That(actQuantize.Quantized, Is.EqualTo(row["act_quantized"]!.GetValue<bool>()), at);
            Assert.That(Active(weightPrune.Mask), Is.EqualTo(row["weight_mask_active"]!.GetValue<float>()), at);
            Assert.That(Active(actPrune.Mask), Is.EqualTo(row["act_mask_active"]!.GetValue<float>()), at);
        }
        Assert.That(log.Lines, Is.EqualTo(json["log"]!.AsArray().Select(l => l!.GetValue<string>())));

        foreach (var (key, value) in net.StateDict())
            Assert.That(HostTensor.From(value).Data, Is.EqualTo(final[key].Data), key);
        Tolerance.AssertClose(output, final["output_last"].AsFloats(), 0, 1e-5, "last output");
    }

    static float Active(Tensor mask)
    {
        var m = mask.ToArray<bool>();
        return (float)m.Count(b => b) / m.Length;
    }
}
