using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Conv2d and ConvTranspose2d: PyTorch's numbers, the im2col kernels and the printed form (gradients: Tests/Ops).</summary>
public partial class ConvTests(string kind) : DeviceTest(kind)
{
    const string CasesFile = "core_cases.json";

    Tensor R(params int[] shape) => Tensor.Rand(Device, shape, new Generator((ulong)shape.Sum() * 31 + 5), -1, 1);

    // ---- golden cases ----

    /// <summary>Every Conv2d and ConvTranspose2d case of the golden file, so new cases need no new code.</summary>
    public static IEnumerable<string> GoldenCases() =>
        Golden.Json(CasesFile)["cases"]!.AsArray()
            .Where(c => (string?)c!["kind"] is "Conv2d" or "ConvTranspose2d")
            .Select(c => (string)c!["name"]!);

    [TestCaseSource(nameof(GoldenCases))]
    public void MatchesPyTorch(string name)
    {
        var spec = Golden.Json(CasesFile)["cases"]!.AsArray().Single(c => (string?)c!["name"] == name)!;
        var p = spec["params"]!;
        var tensors = Golden.Tensors("core_cases.safetensors");
        var module = Build(Device, (string)spec["kind"]!, p);

        var state = new Dictionary<string, HostTensor> { ["weight"] = tensors[$"{name}.init.weight"] };
        if (tensors.TryGetValue($"{name}.init.bias", out var initBias))
            state["bias"] = initBias;
        module.LoadStateDict(state);

        var x = tensors[$"{name}.x"].ToDevice(Device).RequiresGrad_();
        var y = module.Forward(x);
        Assert.That(y.Shape, Is.EqualTo(tensors[$"{name}.y"].Shape), $"{name}: output shape");
        Tolerance.AssertClose(y.ToArray<float>(), tensors[$"{name}.y"].AsFloats(), 1e-5, 1e-4, $"{name}: y");

        (y * tensors[$"{name}.g"].ToDevice(Device)).Sum().Backward();
        Tolerance.AssertClose(x.Grad!.ToArray<float>(), tensors[$"{name}.dx"].AsFloats(), 1e-5, 1e-4, $"{name}: dx");
        foreach (var (param, value) in module.NamedParameters())
        {
            Tolerance.AssertClose(value.Grad!.ToArray<float>(), tensors[$"{name}.grad.{param}"].AsFloats(), 1e-5, 1e-4,
                $"{name}: grad.{param}");
            // The reference's state after forward and backward: unchanged parameters.
            Assert.That(value.ToArray<float>(), Is.EqualTo(tensors[$"{name}.after.{param}"].AsFloats()), $"{name}: after.{param}");
        }
    }

    /// <summary>
    /// The Conv2d or ConvTranspose2d a golden case describes (its "kind" and "params": in, out, kernel, and when
    /// given stride, padding, output_padding, dilation, groups, bias), on <paramref name="device"/>; shared by
    /// core_cases and layer_cases.
    /// </summary>
    internal static ConvBase Build(Device device, string kind, JsonNode p)
    {
        static Size2 Pair(JsonNode? node, int otherwise) =>
            node == null ? otherwise : ((int)node[0]!, (int)node[1]!);
        int inChannels = (int)p["in"]!, outChannels = (int)p["out"]!, groups = (int?)p["groups"] ?? 1;
        var kernel = Pair(p["kernel"], 0);
        bool bias = (bool?)p["bias"] ?? true;
        return kind switch
        {
            "Conv2d" => new Conv2d(inChannels, outChannels, kernel, Pair(p["stride"], 1), Pair(p["padding"], 0),
                Pair(p["dilation"], 1), groups, bias, device),
            "ConvTranspose2d" => new ConvTranspose2d(inChannels, outChannels, kernel, Pair(p["stride"], 1), Pair(p["padding"], 0),
                Pair(p["output_padding"], 0), Pair(p["dilation"], 1), groups, bias, device),
            _ => throw new ArgumentException($"not a convolution case: {kind}", nameof(kind)),
        };
    }

    [GeneratedRegex(@"^(Conv2d|ConvTranspose2d)\((\d+),(\d+),(\d+)\)$")]
    private static partial Regex ConvInitCase();

    [Test]
    public void DefaultInitBoundsMatchPyTorch()
    {
        var bounds = Golden.Json(CasesFile)["cases"]!.AsArray().Single(c => (string?)c!["kind"] == "init")!["params"]!.AsObject();
        int checkedCases = 0;
        foreach (var (text, bound) in bounds)
        {
            var m = ConvInitCase().Match(text);
            if (!m.Success)
                continue;
            int a = int.Parse(m.Groups[2].Value), b = int.Parse(m.Groups[3].Value), k = int.Parse(m.Groups[4].Value);
            ConvBase module = m.Groups[1].Value == "Conv2d"
                ? new Conv2d(a, b, k, device: Device, generator: new Generator(3))
                : new ConvTranspose2d(a, b, k, device: Device, generator: new Generator(3));
            double expected = (double)bound!;
            // Thousands of weights come close to the bound; a few biases need only stay inside it.
            double weightMax = module.Weight.ToArray<float>().Max(v => Math.Abs(v));
            Assert.That(weightMax, Is.LessThanOrEqualTo(expected).And.GreaterThan(0.99 * expected), $"{text}: weight bound");
            Assert.That(module.Bias!.ToArray<float>().Max(v => Math.Abs(v)), Is.LessThanOrEqualTo(expected), $"{text}: bias bound");
            checkedCases++;
        }
        Assert.That(checkedCases, Is.EqualTo(2));
    }

    /// <summary>fan_in is weight dim 1 × kh·kw, and with groups dim 1 is in / groups (out / groups transposed): the bound is 1/√18, not 1/√72.</summary>
    [Test]
    public void GroupedInitBoundsUseTheGroupsChannels()
    {
        double bound = 1 / Math.Sqrt(2 * 9);
        ConvBase[] modules =
        [
            new Conv2d(8, 64, 3, groups: 4, device: Device, generator: new Generator(4)),
            new ConvTranspose2d(64, 8, 3, groups: 4, device: Device, generator: new Generator(5)),
        ];
        foreach (var module in modules)
        {
            Assert.That(module.Weight.Shape, Is.EqualTo(new[] { 64, 2, 3, 3 }), $"{module}: weight shape");
            Assert.That(module.Weight.ToArray<float>().Max(v => Math.Abs(v)), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.98 * bound),
                $"{module}: weight bound");
            Assert.That(module.Bias!.ToArray<float>().Max(v => Math.Abs(v)), Is.LessThanOrEqualTo(bound).And.GreaterThan(0.5 * bound),
                $"{module}: bias bound");
        }
        Assert.That(modules[1].Bias!.Shape, Is.EqualTo(new[] { 8 }));
    }

    // ---- kernels against host loops ----

    static ConvGeometry Geometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) => new()
    {
        N = n, C = c, H = h, W = w, OutC = 1, KH = kh, KW = kw, StrideH = sh, StrideW = sw, PadH = ph, PadW = pw,
        DilationH = dh, DilationW = dw,
        OutH = ConvGeometry.OutputSize(h, kh, sh, ph, dh), OutW = ConvGeometry.OutputSize(w, kw, sw, pw, dw),
    };

    /// <summary>Calls <paramref name="visit"/>(column index, input index) for every column entry that reads an input pixel.</summary>
    static void ForEachTap(ConvGeometry g, Action<int, int> visit)
    {
        for (int c = 0; c < g.C; c++)
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++)
                    for (int n = 0; n < g.N; n++)
                        for (int oh = 0; oh < g.OutH; oh++)
                            for (int ow = 0; ow < g.OutW; ow++)
                            {
                                int h = oh * g.StrideH - g.PadH + ki * g.DilationH, w = ow * g.StrideW - g.PadW + kj * g.DilationW;
                                if (h < 0 || h >= g.H || w < 0 || w >= g.W)
                                    continue;
                                int row = (c * g.KH + ki) * g.KW + kj, column = (n * g.OutH + oh) * g.OutW + ow;
                                visit(row * g.ColCols + column, ((n * g.C + c) * g.H + h) * g.W + w);
                            }
    }

    static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
    }

    [TestCase(2, 3, 7, 5, 3, 2, 2, 3, 1, 2, 2, 1)]
    [TestCase(1, 2, 6, 6, 3, 3, 1, 1, 0, 0, 1, 1)]
    [TestCase(3, 1, 5, 12, 2, 4, 3, 2, 2, 0, 1, 3)]
    public void Im2ColAndCol2ImMatchHostLoops(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw)
    {
        var g = Geometry(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw);
        int inputLength = n * c * h * w, colLength = g.ColRows * g.ColCols;
        var x = Values(inputLength, 1);
        var col = Values(colLength, 2);

        var expectedCol = new float[colLength];
        ForEachTap(g, (ci, xi) => expectedCol[ci] = x[xi]);
        // col2im is im2col's adjoint: each input pixel sums the column entries that read it.
        var expectedX = new float[inputLength];
        ForEachTap(g, (ci, xi) => expectedX[xi] += col[ci]);

        using var xBuffer = Device.Accelerator.Allocate1D(x);
        using var colOut = Device.Accelerator.Allocate1D<float>(colLength);
        ConvKernels.Im2Col(Device, xBuffer.View, colOut.View, g);
        Assert.That(colOut.GetAsArray1D(), Is.EqualTo(expectedCol), "im2col");

        using var colBuffer = Device.Accelerator.Allocate1D(col);
        using var xOut = Device.Accelerator.Allocate1D<float>(inputLength);
        ConvKernels.Col2Im(Device, colBuffer.View, xOut.View, g);
        Tolerance.AssertClose(xOut.GetAsArray1D(), expectedX, 1e-6, 1e-6, "col2im");

        ConvKernels.Col2Im(Device, colBuffer.View, xOut.View, g, accumulate: true);
        Tolerance.AssertClose(xOut.GetAsArray1D(), expectedX.Select(v => 2 * v).ToArray(), 1e-6, 1e-6, "col2im accumulate");
    }

    // ---- printing and argument checks ----

    [Test]
    public void PrintsLikePyTorch()
    {
        Assert.That(new Conv2d(1, 32, 3, device: Device).ToString(),
            Is.EqualTo("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))"));
        Assert.That(new Conv2d(4, 6, (3, 2), stride: (2, 1), padding: (1, 2), dilation: (1, 2), bias: false, device: Device).ToString(),
            Is.EqualTo("Conv2d(4, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2), bias=False)"));
        Assert.That(new ConvTranspose2d(5, 2, 5, stride: 2, padding: 1, outputPadding: 1, device: Device).ToString(),
            Is.EqualTo("ConvTranspose2d(5, 2, kernel_size=(5, 5), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))"));
        Assert.That(new ConvTranspose2d(4, 3, 3, dilation: 2, bias: false, device: Device).ToString(),
            Is.EqualTo("ConvTranspose2d(4, 3, kernel_size=(3, 3), stride=(1, 1), dilation=(2, 2), bias=False)"));
        Assert.That(new Conv2d(8, 8, 3, stride: 2, padding: 1, groups: 8, bias: false, device: Device).ToString(),
            Is.EqualTo("Conv2d(8, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=8, bias=False)"));
        Assert.That(new ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, device: Device).ToString(),
            Is.EqualTo("ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), groups=2)"));
    }

    [Test]
    public void BadArgumentsNameTheParameter()
    {
        var x = R(1, 3, 5, 5);
        Assert.That(() => Functional.Conv2d(x, R(2, 4, 3, 3)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("input").And.Message.Contains("3 channels"));
        Assert.That(() => Functional.Conv2d(x, R(2, 3, 7, 3)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("input"));
        Assert.That(() => Functional.Conv2d(x, R(2, 3, 3, 3), R(3)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("bias"));
        Assert.That(() => Functional.Conv2d(x, Tensor.Zeros(Device, [2, 3, 0, 3])),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("weight"));
        Assert.That(() => Functional.Conv2d(x, R(2, 3, 3, 3), stride: (1, 0)),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("stride"));
        Assert.That(() => Functional.ConvTranspose2d(x, R(3, 2, 3, 3), stride: 2, outputPadding: 2),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("outputPadding"));
        Assert.That(() => Functional.ConvTranspose2d(x, R(3, 2, 3, 3), padding: 6),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("padding"));
    }

    [Test]
    public void GroupsThatDoNotDivideTheChannelsAreNamed()
    {
        var x = R(1, 6, 5, 5);
        Assert.That(() => new Conv2d(6, 4, 3, groups: 3, device: Device),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("groups").And.Message.Contains("groups=3"));
        Assert.That(() => new ConvTranspose2d(4, 6, 3, groups: 3, device: Device),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("groups"));
        Assert.That(() => new Conv2d(6, 6, 3, groups: 0, device: Device),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("groups"));
        Assert.That(() => Functional.Conv2d(x, R(4, 2, 3, 3), groups: 3),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("groups").And.Message.Contains("4 output channels"));
        Assert.That(() => Functional.Conv2d(x, R(6, 3, 3, 3), groups: 3),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("input").And.Message.Contains("expects 9"));
        Assert.That(() => Functional.ConvTranspose2d(x, R(6, 2, 3, 3), R(2), groups: 2),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("bias").And.Message.Contains("[4]"));
        Assert.That(() => Functional.ConvTranspose2d(x, R(6, 2, 3, 3), groups: 4),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("groups").And.Message.Contains("6 input channels"));
    }
}
