using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    static OpCase Unary(string name, OpInput input, Func<Tensor, Tensor> op, Func<double, double> reference) =>
        new(name, [input], x => op(x[0]), x => x[0].Map(reference));

    /// <summary>Element-wise unary ops and scalar arithmetic; inputs keep clear of each op's kinks and domain edges.</summary>
    static IEnumerable<OpCase> Elementwise()
    {
        int[] shape = [3, 7];
        yield return Unary("neg", In.Uniform(shape), x => -x, v => -v);
        yield return Unary("abs", In.AwayFromZero(shape), x => x.Abs(), Math.Abs);
        // At exactly 0 the gradient of abs is sign(0) = 0, as in PyTorch.
        yield return Unary("abs at zero", In.Integers([4, 5], -2, 2) with { Kind = InputKind.Float }, x => x.Abs(), Math.Abs) with
        {
            Check = GradientCheck.HostBackward,
            Backward = (x, g) => [HostRef.Zip(g, x[0], (gv, xv) => gv * Math.Sign(xv))],
        };
        yield return Unary("exp", In.Uniform(shape, -2, 2), x => x.Exp(), Math.Exp);
        yield return Unary("log", In.Positive(shape, 0.1, 3), x => x.Log(), Math.Log);
        yield return Unary("sqrt", In.Positive(shape, 0.1, 3), x => x.Sqrt(), Math.Sqrt);
        // NOTE: there is no public Rsqrt (nor Sign: it is reached through abs's backward); rsqrt is pow(-0.5).
        yield return Unary("rsqrt as pow(-0.5)", In.Positive(shape, 0.1, 3), x => x.Pow(-0.5f), v => 1 / Math.Sqrt(v));
        yield return Unary("relu", In.AwayFromZero([2, 3, 5]), x => x.Relu(), HostRef.Relu);
        // At exactly 0: relu(0) = 0 and its gradient there is 0, as in PyTorch.
        yield return Unary("relu at zero", In.Integers([4, 5], -2, 2) with { Kind = InputKind.Float }, x => x.Relu(), HostRef.Relu) with
        {
            Check = GradientCheck.HostBackward,
            Backward = (x, g) => [HostRef.Zip(g, x[0], (gv, xv) => xv > 0 ? gv : 0)],
        };
        yield return Unary("leaky_relu 0.2", In.AwayFromZero([2, 3, 5]), x => Functional.LeakyRelu(x, 0.2), v => v > 0 ? v : 0.2 * v);
        yield return Unary("pow 3", In.Uniform(shape), x => x.Pow(3), v => v * v * v);
        yield return Unary("pow -2 negative base", In.AwayFromZero(shape, 0.3), x => x.Pow(-2), v => 1 / (v * v));
        yield return Unary("pow 2.5", In.Positive(shape), x => x.Pow(2.5f), v => Math.Pow(v, 2.5));
        yield return Unary("pow -1", In.Positive(shape), x => x.Pow(-1), v => 1 / v);
        yield return Unary("clamp", In.Avoiding(shape, -1, 1, -0.5, 0.5), x => x.Clamp(-0.5f, 0.5f), v => Math.Clamp(v, -0.5, 0.5));
        // At the bounds themselves the gradient still passes (min <= x <= max), as torch.clamp.
        yield return Unary("clamp at bounds", In.Fixed([8], -1, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1) with { Kind = InputKind.Float },
            x => x.Clamp(-0.5f, 0.5f), v => Math.Clamp(v, -0.5, 0.5)) with
        {
            Check = GradientCheck.HostBackward,
            Backward = (x, g) => [HostRef.Zip(g, x[0], (gv, xv) => xv >= -0.5 && xv <= 0.5 ? gv : 0)],
        };
        yield return Unary("affine", In.Uniform(shape), x => x.Affine(3, 1), v => 3 * v + 1);
        yield return Unary("scalar add sub mul div", In.Uniform(shape), x => (2f - x) / 4f * 3f + 1f - 0.5f, v => (2 - v) / 4 * 3 + 1 - 0.5);
        yield return Unary("exp of log", In.Positive(shape), x => x.Log().Exp(), v => v);
        foreach (var row in Activations())
            yield return row;
    }

    /// <summary>A row checked against the host backward gradOut·<paramref name="derivative"/>(x) (exact values at kinks, large |x|).</summary>
    static OpCase WithDerivative(OpCase row, Func<double, double> derivative) => row with
    {
        Check = GradientCheck.HostBackward,
        Backward = (x, g) => [HostRef.Zip(g, x[0], (gv, xv) => gv * derivative(xv))],
    };

    /// <summary>Exactly <paramref name="values"/>, differentiated (bounds and large magnitudes).</summary>
    static OpInput At(params double[] values) => In.Fixed([values.Length], values) with { Kind = InputKind.Float };

    /// <summary>
    /// The activations: smooth ones on a wide range, then at large |x| (where a form composed of exp gives inf/inf
    /// or a NaN gradient) with their exact derivatives, and the clamping ones at their bounds, where PyTorch's
    /// gradient is 0.
    /// </summary>
    static IEnumerable<OpCase> Activations()
    {
        int[] shape = [3, 7];
        double[] large = [-100, -50, -20, -9, 9, 20, 50, 100];
        yield return Unary("tanh", In.Uniform(shape, -3, 3), Functional.Tanh, Math.Tanh);
        yield return WithDerivative(Unary("tanh large |x|", At(large), Functional.Tanh, Math.Tanh), v => 1 - Math.Tanh(v) * Math.Tanh(v));
        yield return Unary("sigmoid", In.Uniform(shape, -5, 5), Functional.Sigmoid, HostRef.Sigmoid);
        yield return WithDerivative(Unary("sigmoid large |x|", At(large), Functional.Sigmoid, HostRef.Sigmoid),
            v => HostRef.Sigmoid(v) * (1 - HostRef.Sigmoid(v)));
        yield return Unary("relu6", In.Avoiding(shape, -2, 8, 0, 6), Functional.Relu6, v => Math.Clamp(v, 0, 6));
        yield return WithDerivative(Unary("relu6 at bounds", At(-1, 0, 0.5, 6, 7), Functional.Relu6, v => Math.Clamp(v, 0, 6)),
            v => v > 0 && v < 6 ? 1 : 0);
        yield return Unary("hardtanh -0.5 2", In.Avoiding(shape, -2, 3, -0.5, 2), x => Functional.Hardtanh(x, -0.5, 2), v => Math.Clamp(v, -0.5, 2));
        yield return WithDerivative(Unary("hardtanh at bounds", At(-1, -0.5, 0, 2, 3), x => Functional.Hardtanh(x, -0.5, 2), v => Math.Clamp(v, -0.5, 2)),
            v => v > -0.5 && v < 2 ? 1 : 0);
        yield return Unary("hardtanh default", In.Avoiding(shape, -2, 2, -1, 1), x => Functional.Hardtanh(x), v => Math.Clamp(v, -1, 1));
        yield return Unary("silu", In.Uniform(shape, -5, 5), Functional.Silu, HostRef.Silu);
        yield return WithDerivative(Unary("silu large |x|", At(large), Functional.Silu, HostRef.Silu), HostRef.SiluGrad);
        yield return Unary("gelu", In.Uniform(shape, -5, 5), x => Functional.Gelu(x), HostRef.Gelu);
        // In the left tail Φ(x) is tiny: computed as 1 + erf it would have no correct digit left.
        yield return WithDerivative(Unary("gelu tails", At(-12, -8, -5, -3, 3, 5, 8, 12), x => Functional.Gelu(x), HostRef.Gelu), HostRef.GeluGrad) with
        {
            Forward = new(1e-5, 1e-30),
        };
        yield return Unary("gelu tanh", In.Uniform(shape, -5, 5), x => Functional.Gelu(x, "tanh"), HostRef.GeluTanh);
        yield return Unary("gelu tanh large |x|", At(large), x => Functional.Gelu(x, "tanh"), HostRef.GeluTanh);
        yield return new OpCase("softmax dim1", [In.Uniform([3, 5], -2, 2)], x => Functional.Softmax(x[0], 1), x => HostRef.Softmax(x[0], 1));
        yield return new OpCase("softmax middle dim", [In.Uniform([2, 4, 3], -2, 2)], x => Functional.Softmax(x[0], -2), x => HostRef.Softmax(x[0], 1));
        yield return new OpCase("softmax large logits", [At(-1000, 0, 1000, 999)], x => Functional.Softmax(x[0], 0), x => HostRef.Softmax(x[0], 0));
    }
}
