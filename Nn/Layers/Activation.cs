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
