using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The layer and loss cases of Golden/core_cases.json against PyTorch 1.13: forward output, input and
/// parameter gradients of sum(y·g), and the running statistics after the step. Every parameter is read
/// from the JSON, so a new case of a known kind is tested by adding it there.
/// </summary>
public class LayerGoldenTests(string kind) : DeviceTest(kind)
{
    static readonly GoldenCases Cases = GoldenCases.Core;

    /// <summary>The names of the cases whose kind is one of <paramref name="kinds"/>.</summary>
    public static IEnumerable<string> CasesOf(string[] kinds) => Cases.Names(kinds);

    static JsonNode Case(string name) => Cases.Case(name);

    static Dictionary<string, HostTensor> Stored => Cases.Stored;

    Tensor Load(string key) => Stored[key].ToDevice(Device);

    static void AssertMatches(Tensor? actual, string key)
    {
        int dot = key.IndexOf('.');
        Cases.AssertMatches(actual, key[..dot], key[(dot + 1)..]);
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "BatchNorm1d", "BatchNorm2d" }])]
    public void BatchNorm(string name)
    {
        var c = Case(name);
        var p = c["params"]!;
        int features = (int)p["features"]!;
        double eps = (double)p["eps"]!, momentum = (double)p["momentum"]!;
        Nn.BatchNorm bn = (string)c["kind"]! == "BatchNorm1d"
            ? new BatchNorm1d(features, eps, momentum, device: Device)
            : new BatchNorm2d(features, eps, momentum, device: Device);
        string init = $"{name}.init.";
        bn.LoadStateDict(Stored.Where(kv => kv.Key.StartsWith(init)).ToDictionary(kv => kv.Key[init.Length..], kv => kv.Value));
        if ((string?)c["mode"] == "eval")
            bn.Eval();
        var stateBefore = bn.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);

        var x = Load($"{name}.x").RequiresGrad_();
        var y = bn.Forward(x);
        AssertMatches(y, $"{name}.y");
        y.Backward(Load($"{name}.g"));
        AssertMatches(x.Grad, $"{name}.dx");
        if (Stored.ContainsKey($"{name}.grad.weight"))
        {
            AssertMatches(bn.Weight!.Grad, $"{name}.grad.weight");
            AssertMatches(bn.Bias!.Grad, $"{name}.grad.bias");
        }

        // The running statistics change in place: the state dict still holds the same tensors.
        var stateAfter = bn.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (key, before) in stateBefore)
            Assert.That(stateAfter[key], Is.SameAs(before), $"{name}: state tensor '{key}' was replaced");
        string after = $"{name}.after.";
        // .after.weight / .after.bias follow an SGD step with an unrecorded learning rate: not comparable.
        foreach (var key in Stored.Keys.Where(k => k.StartsWith(after) && k != $"{after}weight" && k != $"{after}bias"))
        {
            var actual = stateAfter[key[after.Length..]];
            if (actual.DType == DType.Int64)
                Assert.That(actual.ToArray<long>(), Is.EqualTo(Stored[key].AsLongs()), key);
            else
                AssertMatches(actual, key);
        }
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "MaxPool2d" }])]
    public void MaxPool2d(string name)
    {
        var p = Case(name)["params"]!;
        int kernel = (int)p["kernel"]!;
        var pool = new MaxPool2d(kernel, (int?)p["stride"] ?? kernel, (int?)p["padding"] ?? 0, device: Device);
        Cases.CheckLayer(Device, pool, name);
    }

    [TestCaseSource(nameof(CasesOf), [new[] { "LogSoftmax" }])]
    public void LogSoftmax(string name) =>
        Cases.CheckLayer(Device, new LogSoftmax((int)Case(name)["params"]!["dim"]!, Device), name);

    [TestCaseSource(nameof(CasesOf), [new[] { "LogSoftmax+NLLLoss", "CrossEntropyLoss" }])]
    public void Loss(string name)
    {
        var c = Case(name);
        var reduction = Enum.Parse<Reduction>((string)c["params"]!["reduction"]!, ignoreCase: true);
        var logits = Load($"{name}.logits").RequiresGrad_();
        var target = Load($"{name}.target");
        var loss = (string)c["kind"]! == "CrossEntropyLoss"
            ? Functional.CrossEntropy(logits, target, reduction)
            : Functional.NllLoss(Functional.LogSoftmax(logits, 1), target, reduction);
        Assert.That(loss.Shape, Is.Empty, "a loss is a scalar");
        Tolerance.AssertClose([(float)loss.Item()], Stored[$"{name}.loss"].AsFloats(), GoldenCases.Rtol, GoldenCases.Atol, $"{name}.loss");
        loss.Backward();
        AssertMatches(logits.Grad, $"{name}.dlogits");
    }
}
