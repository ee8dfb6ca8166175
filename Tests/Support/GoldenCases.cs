using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// A golden file of cases (core_cases, layer_cases): a JSON list of cases, each with a name, a kind and the
/// parameters to build it from, and a safetensors file holding each case's tensors as '&lt;case&gt;.&lt;name&gt;'.
/// </summary>
/// <param name="Stem">The file name without extension, e.g. "layer_cases".</param>
public sealed record GoldenCases(string Stem)
{
    /// <summary>core_cases: the seed's layers, losses and optimizers.</summary>
    public static readonly GoldenCases Core = new("core_cases");

    /// <summary>layer_cases: the layers, losses, optimizers and schedules of QSPARSE's example networks.</summary>
    public static readonly GoldenCases Layer = new("layer_cases");

    /// <summary>Outputs and gradients: within 1e-5 relative, 1e-4 absolute (sums over many terms).</summary>
    public const double Rtol = 1e-5, Atol = 1e-4;

    JsonArray Cases => Golden.Json($"{Stem}.json")["cases"]!.AsArray();

    /// <summary>The names of the cases whose kind is one of <paramref name="kinds"/>, in file order.</summary>
    public IEnumerable<string> Names(params string[] kinds) =>
        Cases.Where(c => kinds.Contains((string?)c!["kind"])).Select(c => (string)c!["name"]!);

    /// <summary>Every kind in the file.</summary>
    public IEnumerable<string> Kinds => Cases.Select(c => (string)c!["kind"]!).Distinct();

    /// <summary>The case called <paramref name="name"/>.</summary>
    public JsonNode Case(string name) => Cases.Single(c => (string?)c!["name"] == name)!;

    /// <summary>Every stored tensor, by key.</summary>
    public Dictionary<string, HostTensor> Stored => Golden.Tensors($"{Stem}.safetensors");

    /// <summary>Tensor <paramref name="key"/> of case <paramref name="name"/> on <paramref name="device"/>.</summary>
    public Tensor Load(Device device, string name, string key) => Stored[$"{name}.{key}"].ToDevice(device);

    /// <summary>True when case <paramref name="name"/> stored tensor <paramref name="key"/>.</summary>
    public bool Has(string name, string key) => Stored.ContainsKey($"{name}.{key}");

    /// <summary>The tensors of case <paramref name="name"/> stored under <paramref name="prefix"/> ("init"), keyed by the rest.</summary>
    public Dictionary<string, HostTensor> Group(string name, string prefix)
    {
        string start = $"{name}.{prefix}.";
        return Stored.Where(kv => kv.Key.StartsWith(start)).ToDictionary(kv => kv.Key[start.Length..], kv => kv.Value);
    }

    /// <summary><paramref name="actual"/> against stored tensor <paramref name="key"/> of case <paramref name="name"/>: shape, then values.</summary>
    public void AssertMatches(Tensor? actual, string name, string key, double rtol = Rtol, double atol = Atol)
    {
        string full = $"{name}.{key}";
        Assert.That(actual, Is.Not.Null, $"{full}: no tensor computed");
        Assert.That(actual!.Shape, Is.EqualTo(Stored[full].Shape), $"{full}: shape");
        Tolerance.AssertClose(actual.ToArray<float>(), Stored[full].AsFloats(), rtol, atol, full);
    }

    /// <summary>
    /// The layer case <paramref name="name"/>: loads its "init" state into <paramref name="layer"/> (when stored),
    /// sets eval mode when the case says so, then checks y = layer(x), and after y.backward(g) the input gradient
    /// and every parameter gradient stored as "grad.&lt;parameter&gt;".
    /// </summary>
    public void CheckLayer(Device device, Module layer, string name)
    {
        var init = Group(name, "init");
        if (init.Count > 0)
            layer.LoadStateDict(init);
        if ((string?)Case(name)["mode"] == "eval")
            layer.Eval();
        var x = Load(device, name, "x").RequiresGrad_();
        var y = layer.Call(x);
        AssertMatches(y, name, "y");
        y.Backward(Load(device, name, "g"));
        AssertMatches(x.Grad, name, "dx");
        foreach (var (parameter, value) in layer.NamedParameters())
            if (Has(name, $"grad.{parameter}"))
                AssertMatches(value.Grad, name, $"grad.{parameter}");
    }
}
