using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>max(x, 0) (torch.nn.ReLU).</summary>
public sealed class ReLU(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Relu(input);
}

/// <summary>x for x &gt; 0, negative_slope·x otherwise (torch.nn.LeakyReLU); any shape.</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01, Device? device = null) : Module(device)
{
    public double NegativeSlope { get; } = negativeSlope;

    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, NegativeSlope);

    public override string ExtraRepr() => $"negative_slope={PyRepr.Float(NegativeSlope)}";
}

/// <summary>log(softmax(x)) along <see cref="Dim"/> (torch.nn.LogSoftmax); output has the input's shape.</summary>
public sealed class LogSoftmax(int dim, Device? device = null) : Module(device)
{
    public int Dim { get; } = dim;

    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, Dim);

    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>tanh(x) element-wise (torch.nn.Tanh); any shape.</summary>
public sealed class Tanh(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Tanh(input);
}

/// <summary>1 / (1 + exp(-x)) element-wise (torch.nn.Sigmoid); any shape.</summary>
public sealed class Sigmoid(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Sigmoid(input);
}

/// <summary>min(max(x, 0), 6) element-wise (torch.nn.ReLU6); any shape.</summary>
public sealed class ReLU6(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Relu6(input);
}

/// <summary>min(max(x, min_val), max_val) element-wise (torch.nn.Hardtanh); any shape.</summary>
public sealed class Hardtanh : Module
{
    public Hardtanh(double minVal = -1, double maxVal = 1, Device? device = null) : base(device)
    {
        if (!(maxVal > minVal))
            throw new ArgumentException($"Hardtanh: max_val ({PyRepr.Float(maxVal)}) must be greater than min_val ({PyRepr.Float(minVal)})", nameof(maxVal));
        MinVal = minVal;
        MaxVal = maxVal;
    }

    public double MinVal { get; }
    public double MaxVal { get; }

    public override Tensor Forward(Tensor input) => Functional.Hardtanh(input, MinVal, MaxVal);

    public override string ExtraRepr() => $"min_val={PyRepr.Float(MinVal)}, max_val={PyRepr.Float(MaxVal)}";
}

/// <summary>x·sigmoid(x) element-wise (torch.nn.SiLU); any shape.</summary>
public sealed class SiLU(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Silu(input);
}

/// <summary>x·Φ(x) element-wise, or its tanh approximation (torch.nn.GELU); any shape.</summary>
public sealed class GELU : Module
{
    /// <param name="approximate">"none" (exact, with erf) or "tanh", as PyTorch.</param>
    /// <param name="device">Where it runs; default <see cref="Defaults.Device"/>.</param>
    public GELU(string approximate = "none", Device? device = null) : base(device)
    {
        Functional.CheckGeluApproximate(approximate);
        Approximate = approximate;
    }

    public string Approximate { get; }

    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);

    public override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>softmax(x) along <see cref="Dim"/> (torch.nn.Softmax); output has the input's shape.</summary>
public sealed class Softmax(int dim, Device? device = null) : Module(device)
{
    public int Dim { get; } = dim;

    public override Tensor Forward(Tensor input) => Functional.Softmax(input, Dim);

    public override string ExtraRepr() => $"dim={Dim}";
}

public static partial class Functional
{
    /// <summary>max(x, 0) element-wise (torch.nn.functional.relu), any shape; the gradient is 0 at x = 0, as in PyTorch.</summary>
    public static Tensor Relu(Tensor input) =>
        input.Unary(new ReluOp(), "Relu", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new ReluGradOp()));

    /// <summary>
    /// x for x &gt; 0, <paramref name="negativeSlope"/>·x otherwise (torch.nn.functional.leaky_relu), any shape;
    /// the gradient at x = 0 is the slope, as in PyTorch.
    /// </summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01)
    {
        float slope = (float)negativeSlope;
        return input.Unary(new LeakyReluOp(slope), "LeakyRelu", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new LeakyReluGradOp(slope)));
    }

    /// <summary>tanh(x) element-wise (torch.tanh), any shape; backward g·(1 - y²) from the output, finite for every x.</summary>
    public static Tensor Tanh(Tensor input) =>
        input.Unary(new TanhOp(), "Tanh", Tensor.Reads.Result, (g, _, y) => g.Binary(y, new TanhGradOp()));

    /// <summary>1 / (1 + exp(-x)) element-wise (torch.sigmoid), any shape, without overflow; backward g·y·(1 - y).</summary>
    public static Tensor Sigmoid(Tensor input) =>
        input.Unary(new SigmoidOp(), "Sigmoid", Tensor.Reads.Result, (g, _, y) => g.Binary(y, new SigmoidGradOp()));

    /// <summary>min(max(x, 0), 6) (torch.nn.functional.relu6): <see cref="Hardtanh"/>(0, 6), with its gradient rule.</summary>
    public static Tensor Relu6(Tensor input) => Hardtanh(input, 0, 6);

    /// <summary>
    /// min(max(x, <paramref name="minVal"/>), <paramref name="maxVal"/>) (torch.nn.functional.hardtanh), any shape.
    /// NOTE: the gradient is 0 at the bounds themselves (it passes only where min &lt; x &lt; max), as PyTorch's
    /// hardtanh_backward; torch.clamp's passes there.
    /// </summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1)
    {
        float min = (float)minVal, max = (float)maxVal;
        return input.Unary(new ClampOp(min, max), "Hardtanh", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new HardtanhGradOp(min, max)));
    }

    /// <summary>x·sigmoid(x) element-wise (torch.nn.functional.silu), any shape; backward g·s·(1 + x·(1 - s)).</summary>
    public static Tensor Silu(Tensor input) =>
        input.Unary(new SiluOp(), "Silu", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new SiluGradOp()));

    /// <summary>
    /// GELU element-wise (torch.nn.functional.gelu), any shape: x·Φ(x) with an erf accurate to about 1 ulp when
    /// <paramref name="approximate"/> is "none", x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))) when it is "tanh".
    /// </summary>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        CheckGeluApproximate(approximate);
        return approximate == "tanh"
            ? input.Unary(new GeluTanhOp(), "Gelu", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new GeluTanhGradOp()))
            : input.Unary(new GeluOp(), "Gelu", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new GeluGradOp()));
    }

    internal static void CheckGeluApproximate(string approximate)
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate must be 'none' or 'tanh', not '{approximate}'", nameof(approximate));
    }

    /// <summary>
    /// softmax(x) along <paramref name="dim"/> (torch.nn.functional.softmax), any shape: exp of
    /// <see cref="LogSoftmax"/>, so large logits do not overflow and the composed backward is
    /// y·(gradOut - sum(gradOut·y)) along the dimension.
    /// </summary>
    public static Tensor Softmax(Tensor input, int dim) => LogSoftmax(input, dim).Exp();

    /// <summary>
    /// log(softmax(x)) along <paramref name="dim"/> (torch.nn.functional.log_softmax), any shape;
    /// computed as (x - max) - log(sum(exp(x - max))) so large logits do not overflow.
    /// Backward: gradIn = gradOut - exp(y)·sum(gradOut) along the dimension.
    /// </summary>
    public static Tensor LogSoftmax(Tensor input, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, input.Rank);
        int size = input.Rank == 0 ? 1 : input.Shape[d];
        int inner = input.Shape.Skip(d + 1).Aggregate(1, (a, b) => a * b);
        var device = input.Device;
        var output = Tensor.Empty(device, input.Shape);
        SoftmaxKernels.LogSoftmaxForward(device, input.F32, output.F32, size, inner);
        return Autograd.Record(output, "LogSoftmax", [input], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            SoftmaxKernels.LogSoftmaxBackward(device, output.F32, g.F32, gradIn.F32, size, inner);
            return [gradIn];
        }, Saved.Result(output));
    }
}
