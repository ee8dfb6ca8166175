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
    }
}
