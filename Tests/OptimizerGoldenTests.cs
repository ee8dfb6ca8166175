using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>
/// The optimizer cases of core_cases.json against PyTorch 1.13: start from w0, apply grad0..grad3,
/// compare w1..w4. The optimizer comes from the case name's prefix and every hyper-parameter from
/// its "params", so new cases can be dropped in. Also the default-init bounds.
/// </summary>
public class OptimizerGoldenTests(string kind) : DeviceTest(kind)
{
    static readonly GoldenCases Core = GoldenCases.Core;

    static IEnumerable<JsonNode> CasesOfKind(string caseKind) => Core.Names(caseKind).Select(Core.Case);

    public static IEnumerable<string> OptimizerCases() => Core.Names("optimizer");

    static HostTensor GoldenTensor(string name) => Core.Stored[name];

    /// <summary>
    /// The optimizer case <paramref name="name"/> of <paramref name="cases"/> describes (by its name's prefix:
    /// sgd, adam, adamw, adadelta, rmsprop); fails on a hyper-parameter it does not use.
    /// </summary>
    internal static Optimizer Build(GoldenCases cases, string name, IEnumerable<Tensor> parameters)
    {
        var json = cases.Case(name)["params"]!.AsObject();
        var used = new HashSet<string>();
        double Num(string key, double fallback)
        {
            used.Add(key);
            return json[key]?.GetValue<double>() ?? fallback;
        }
        bool Flag(string key)
        {
            used.Add(key);
            return json[key]?.GetValue<bool>() ?? false;
        }
        Optimizer opt = name.Split('_')[0] switch
        {
            "sgd" => new SGD(parameters, Num("lr", double.NaN), Num("momentum", 0), Num("dampening", 0),
                Num("weight_decay", 0), Flag("nesterov")),
            "adam" => new Adam(parameters, Num("lr", 1e-3), Betas(json, used), Num("eps", 1e-8), Num("weight_decay", 0)),
            "adamw" => new AdamW(parameters, Num("lr", 1e-3), Betas(json, used), Num("eps", 1e-8), Num("weight_decay", 1e-2)),
            "adadelta" => new Adadelta(parameters, Num("lr", 1.0), Num("rho", 0.9), Num("eps", 1e-6), Num("weight_decay", 0)),
            "rmsprop" => new RMSprop(parameters, Num("lr", 1e-2), Num("alpha", 0.99), Num("eps", 1e-8), Num("weight_decay", 0),
                Num("momentum", 0), Flag("centered")),
            var other => throw new AssertionException($"{name}: no optimizer named '{other}'"),
        };
        var unused = json.Select(kv => kv.Key).Where(k => !used.Contains(k)).ToList();
        Assert.That(unused, Is.Empty, $"{name}: hyper-parameters the test does not pass on");
        return opt;
    }

    static (double, double)? Betas(JsonObject json, HashSet<string> used)
    {
        used.Add("betas");
        if (json["betas"] is not JsonArray b)
            return null;
        return (b[0]!.GetValue<double>(), b[1]!.GetValue<double>());
    }

    /// <summary>A module holding one bias-free weight of the golden shape, so Checkpoint can save it.</summary>
    static Linear ModelAt(Device device, HostTensor w)
    {
        var model = new Linear(w.Shape[1], w.Shape[0], bias: false, device: device);
        using var value = w.ToDevice(device);
        model.Weight.CopyFrom(value);
        return model;
    }

    Linear ModelAt(HostTensor w) => ModelAt(Device, w);

    static void ApplyGradient(GoldenCases cases, Tensor param, string name, int step) =>
        param.Grad = cases.Stored[$"{name}.grad{step}"].ToDevice(param.Device);

    static void ApplyGradient(Tensor param, string name, int step) => ApplyGradient(Core, param, name, step);

    /// <summary>
    /// Optimizer case <paramref name="name"/> of <paramref name="cases"/> on <paramref name="device"/>: from w0,
    /// each step applies grad{i} and the weights must match w{i+1} within 1e-6.
    /// </summary>
    internal static void CheckSteps(GoldenCases cases, Device device, string name)
    {
        int steps = cases.Case(name)["steps"]!.GetValue<int>();
        var model = ModelAt(device, cases.Stored[$"{name}.w0"]);
        using var opt = Build(cases, name, model.Parameters());
        for (int i = 0; i < steps; i++)
        {
            ApplyGradient(cases, model.Weight, name, i);
            opt.Step();
            opt.ZeroGrad();
            Assert.That(model.Weight.Grad, Is.Null);
            Tolerance.AssertClose(model.Weight.ToArray<float>(), cases.Stored[$"{name}.w{i + 1}"].AsFloats(), 1e-6, 1e-6,
                $"{name} on {device}: weights after step {i + 1}");
        }
    }

    [TestCaseSource(nameof(OptimizerCases))]
    public void MatchesPyTorch(string name) => CheckSteps(Core, Device, name);

    [TestCaseSource(nameof(OptimizerCases))]
    public void ResumesExactlyFromCheckpoint(string name) => CheckResume(Core, Device, name);

    /// <summary>
    /// Optimizer case <paramref name="name"/> of <paramref name="cases"/>: halfway, save to a checkpoint and resume in
    /// a fresh model and optimizer; the weights and state at the end are bit-identical to the uninterrupted run's.
    /// </summary>
    internal static void CheckResume(GoldenCases cases, Device device, string name)
    {
        int steps = cases.Case(name)["steps"]!.GetValue<int>(), half = steps / 2;
        var path = Path.Combine(Path.GetTempPath(), $"qsparse-optim-{Guid.NewGuid():N}.safetensors");
        try
        {
            var model = ModelAt(device, cases.Stored[$"{name}.w0"]);
            using var opt = Build(cases, name, model.Parameters());
            for (int i = 0; i < steps; i++)
            {
                if (i == half)
                    Checkpoint.Save(path, model, opt);
                ApplyGradient(cases, model.Weight, name, i);
                opt.Step();
                opt.ZeroGrad();
            }

            var resumed = ModelAt(device, cases.Stored[$"{name}.w0"]);
            using var resumedOpt = Build(cases, name, resumed.Parameters());
            Checkpoint.Load(path, resumed, resumedOpt);
            Assert.That(resumedOpt.StateDict().Select(kv => kv.Key), Is.EqualTo(opt.StateDict().Select(kv => kv.Key)));
            for (int i = half; i < steps; i++)
            {
                ApplyGradient(cases, resumed.Weight, name, i);
                resumedOpt.Step();
                resumedOpt.ZeroGrad();
            }
            Assert.That(resumed.Weight.ToArray<float>(), Is.EqualTo(model.Weight.ToArray<float>()), $"{name}: resumed weights");
            var expectedState = opt.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
            foreach (var (key, value) in resumedOpt.StateDict())
                Assert.That(value.ToArray<float>(), Is.EqualTo(expectedState[key]), $"{name}: resumed {key}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void StepCountsAreSavedAsPyTorchDoes()
    {
        var model = ModelAt(GoldenTensor("adam.w0"));
        using var opt = new Adam(model.Parameters());
        Assert.That(opt.StateDict(), Is.Empty, "no state before the first step");
        for (int i = 0; i < 3; i++)
        {
            ApplyGradient(model.Weight, "adam", i);
            opt.Step();
        }
        var state = opt.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.That(state.Keys, Is.EqualTo(new[] { "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq" }));
        Assert.That(state["state.0.step"].Shape, Is.Empty);
        Assert.That(state["state.0.step"].Item(), Is.EqualTo(3));
    }

    [Test]
    public void InvalidHyperParametersNameTheParameter()
    {
        var model = ModelAt(GoldenTensor("sgd_plain.w0"));
        Assert.That(() => new SGD(model.Parameters(), lr: -1),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("lr"));
        Assert.That(() => new SGD(model.Parameters(), lr: 0.1, nesterov: true),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("nesterov"));
        Assert.That(() => new SGD(model.Parameters(), lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("nesterov"));
        Assert.That(() => new Adam(model.Parameters(), betas: (0.9, 1.0)),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("betas"));
        Assert.That(() => new Adadelta(model.Parameters(), rho: 1.5),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("rho"));
        Assert.That(() => new SGD(Array.Empty<Tensor>(), lr: 0.1), Throws.ArgumentException.With.Message.Contains("empty parameter list"));
        using var opt = new SGD(model.Parameters(), lr: 0.1);
        Assert.That(() => opt.Lr = -0.5, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("lr"));
    }

    /// <summary>Weight shapes of the layers named in "init_bounds": Conv2d [out, in, k, k], ConvTranspose2d [in, out, k, k], Linear [out, in].</summary>
    static int[] WeightShape(string layer)
    {
        var m = Regex.Match(layer, @"^(\w+)\(([\d,\s]+)\)$");
        Assert.That(m.Success, $"cannot parse '{layer}'");
        var a = m.Groups[2].Value.Split(',').Select(s => int.Parse(s.Trim())).ToArray();
        return m.Groups[1].Value switch
        {
            "Conv2d" => [a[1], a[0], a[2], a[2]],
            "ConvTranspose2d" => [a[0], a[1], a[2], a[2]],
            "Linear" => [a[1], a[0]],
            var other => throw new AssertionException($"init_bounds: unknown layer type '{other}'"),
        };
    }

    [Test]
    public void InitBoundsMatchPyTorch()
    {
        foreach (var c in CasesOfKind("init"))
            foreach (var (layer, bound) in c["params"]!.AsObject())
                Assert.That(Init.KaimingUniformBound(WeightShape(layer), Math.Sqrt(5)),
                    Is.EqualTo(bound!.GetValue<double>()).Within(1e-12), layer);
    }

    [Test]
    public void LinearWeightsFillTheirBound()
    {
        var (layer, node) = CasesOfKind("init").SelectMany(c => c["params"]!.AsObject()).First(kv => kv.Key.StartsWith("Linear("));
        var shape = WeightShape(layer);
        double bound = node!.GetValue<double>();
        var w = new Linear(shape[1], shape[0], device: Device, generator: new Generator(7)).Weight.ToArray<float>();
        Assert.That(w.All(v => Math.Abs(v) <= (float)bound), $"{layer}: a weight lies outside ±{bound}");
        Assert.That(w.Min(), Is.LessThan(-0.99 * bound), $"{layer}: the weights do not reach -bound");
        Assert.That(w.Max(), Is.GreaterThan(0.99 * bound), $"{layer}: the weights do not reach +bound");
    }
}
