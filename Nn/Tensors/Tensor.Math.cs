using QSparse.Kernels;

namespace QSparse.Nn;

public sealed partial class Tensor
{
    // ---- element-wise binary operations with broadcasting ----

    public Tensor Add(Tensor other) => Binary(other, new AddOp(), "Add", savesInputs: false, (g, a, b) => (g, g));
    public Tensor Sub(Tensor other) => Binary(other, new SubOp(), "Sub", savesInputs: false, (g, a, b) => (g, g.Neg()));
    public Tensor Mul(Tensor other) => Binary(other, new MulOp(), "Mul", savesInputs: true, (g, a, b) => (g.Mul(b), g.Mul(a)));

    public Tensor Div(Tensor other) => Binary(other, new DivOp(), "Div", savesInputs: true, (g, a, b) =>
    {
        var ga = g.Div(b);
        return (ga, ga.Mul(a).Div(b).Neg());
    });

    /// <summary>Element-wise maximum; ties send the gradient to the first input.</summary>
    public Tensor Maximum(Tensor other) => Binary(other, new MaxOp(), "Maximum", savesInputs: true, (g, a, b) =>
    {
        var pick = a.Compare(b, new GreaterEqualOp()).To(DType.Float32);
        var ga = g.Mul(pick);
        return (ga, g.Sub(ga));
    });

    /// <summary>Element-wise minimum; ties send the gradient to the first input.</summary>
    public Tensor Minimum(Tensor other) => Binary(other, new MinOp(), "Minimum", savesInputs: true, (g, a, b) =>
    {
        var pick = a.Compare(b, new LessEqualOp()).To(DType.Float32);
        var ga = g.Mul(pick);
        return (ga, g.Sub(ga));
    });

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator +(Tensor a, float s) => a.Affine(1, s);
    public static Tensor operator -(Tensor a, float s) => a.Affine(1, -s);
    public static Tensor operator *(Tensor a, float s) => a.Affine(s, 0);
    public static Tensor operator /(Tensor a, float s) => a.Affine(1 / s, 0);
    public static Tensor operator +(float s, Tensor a) => a.Affine(1, s);
    public static Tensor operator *(float s, Tensor a) => a.Affine(s, 0);
    public static Tensor operator -(float s, Tensor a) => a.Affine(-1, s);

    /// <summary>
    /// this·mask for a float mask the calling op made for this product alone (dropout, pruning): the graph owns
    /// the mask, releasing it after the backward or at once when nothing is recorded; only this tensor gets a gradient.
    /// </summary>
    internal Tensor MaskedBy(Tensor mask, string name)
    {
        var result = Binary(mask, new MulOp());
        var x = this;
        return Autograd.Record(result, name, [x], g => [g.Mul(mask).SumToShape(x.Shape)], Saved.Intermediate("mask", mask));
    }

    /// <summary>A differentiable broadcasting binary; the backward reads both inputs when <paramref name="savesInputs"/>.</summary>
    Tensor Binary<TOp>(Tensor other, TOp op, string name, bool savesInputs, Func<Tensor, Tensor, Tensor, (Tensor, Tensor)> backward)
        where TOp : struct, IBinaryOp
    {
        var result = Binary(other, op);
        var (a, b) = (this, other);
        bool gradA = a.RequiresGrad, gradB = b.RequiresGrad;
        return Autograd.Record(result, name, [a, b], g =>
        {
            var (ga, gb) = backward(g, a, b);
            return [gradA ? ga.SumToShape(a.Shape) : null, gradB ? gb.SumToShape(b.Shape) : null];
        }, savesInputs ? [Saved.Input("self", a), Saved.Input("other", b)] : []);
    }

    static Broadcast BroadcastMap(Tensor a, Tensor b, int[] shape) =>
        Broadcast.Create(shape, ShapeUtil.BroadcastStrides(a.Shape, shape), ShapeUtil.BroadcastStrides(b.Shape, shape),
            a.Shape.SequenceEqual(shape) && b.Shape.SequenceEqual(shape));

    /// <summary>Sums a broadcast gradient back down to <paramref name="shape"/>.</summary>
    public Tensor SumToShape(int[] shape)
    {
        if (Shape.SequenceEqual(shape))
            return this;
        int pad = Rank - shape.Length;
        var dims = Enumerable.Range(0, Rank).Where(i => i < pad || (shape[i - pad] == 1 && Shape[i] != 1)).ToArray();
        return Sum(dims, keepDim: true).Reshape(shape);
    }

    /// <summary>this += other, in place and outside the graph (gradient accumulation, optimizer updates).</summary>
    public void AddInPlace(Tensor other)
    {
        if (!other.Shape.SequenceEqual(Shape))
            throw new ArgumentException($"AddInPlace: shape {ShapeUtil.Format(other.Shape)} does not match {ShapeUtil.Format(Shape)}");
        ElementwiseKernels.Accumulate(Device, other.F32, F32);
    }

    // ---- comparisons and selection ----

    public Tensor Gt(Tensor other) => Compare(other, new GreaterOp());
    public Tensor Ge(Tensor other) => Compare(other, new GreaterEqualOp());
    public Tensor Lt(Tensor other) => Compare(other, new LessOp());
    public Tensor Le(Tensor other) => Compare(other, new LessEqualOp());
    public Tensor Eq(Tensor other) => Compare(other, new EqualOp());
    public Tensor Ne(Tensor other) => Compare(other, new NotEqualOp());
    public Tensor Gt(float value) => CompareScalar(value, new GreaterOp());
    public Tensor Ge(float value) => CompareScalar(value, new GreaterEqualOp());
    public Tensor Lt(float value) => CompareScalar(value, new LessOp());
    public Tensor Le(float value) => CompareScalar(value, new LessEqualOp());
    public Tensor Eq(float value) => CompareScalar(value, new EqualOp());

    Tensor CompareScalar<TOp>(float value, TOp op) where TOp : struct, IBinaryOp
    {
        using var s = Full(Device, [], value);
        return Compare(s, op);
    }

    /// <summary>A bool mask of the comparison, broadcast; not differentiable.</summary>
    Tensor Compare<TOp>(Tensor other, TOp op) where TOp : struct, IBinaryOp
    {
        var a = DType == DType.Float32 ? this : To(DType.Float32);
        var b = other.DType == DType.Float32 ? other : other.To(DType.Float32);
        var shape = ShapeUtil.BroadcastShapes(Shape, other.Shape);
        var result = Empty(Device, shape, DType.Bool);
        ElementwiseKernels.Compare(Device, a.F32, b.F32, result.Bool, BroadcastMap(a, b, shape), op);
        if (!ReferenceEquals(a, this)) a.Dispose();
        if (!ReferenceEquals(b, other)) b.Dispose();
        return result;
    }

    /// <summary>Picks <paramref name="a"/> where <paramref name="condition"/> is true, else <paramref name="b"/> (torch.where).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.DType != DType.Bool)
            throw new ArgumentException($"Where needs a bool condition, got {condition.DType.TorchName()}", nameof(condition));
        var shape = ShapeUtil.BroadcastShapes(ShapeUtil.BroadcastShapes(a.Shape, b.Shape), condition.Shape);
        var mask = condition.Shape.SequenceEqual(shape) ? condition : condition.BroadcastTo(shape);
        var result = Empty(a.Device, shape);
        ElementwiseKernels.Where(a.Device, mask.Bool, a.F32, b.F32, result.F32, BroadcastMap(a, b, shape));
        return Autograd.Record(result, "Where", [a, b], g =>
        {
            var zero = Zeros(g.Device, []);
            return [Where(mask, g, zero).SumToShape(a.Shape), Where(mask, zero, g).SumToShape(b.Shape)];
        }, ReferenceEquals(mask, condition) ? Saved.Input("condition", mask) : Saved.Intermediate("condition", mask));
    }

    // ---- element-wise unary operations ----

    public Tensor Neg() => Affine(-1, 0);

    /// <summary>scale · x + shift.</summary>
    public Tensor Affine(float scale, float shift) =>
        Unary(new AffineOp(scale, shift), "Affine", Reads.Nothing, (g, x, y) => g.Affine(scale, 0));

    public Tensor Abs() => Unary(new AbsOp(), "Abs", Reads.Input, (g, x, y) => g.Mul(x.Unary(new SignOp())));

    public Tensor Exp() => Unary(new ExpOp(), "Exp", Reads.Result, (g, x, y) => g.Mul(y));
    public Tensor Log() => Unary(new LogOp(), "Log", Reads.Input, (g, x, y) => g.Div(x));
    public Tensor Sqrt() => Unary(new SqrtOp(), "Sqrt", Reads.Result, (g, x, y) => g.Div(y).Affine(0.5f, 0));
    /// <summary>max(x, 0): <see cref="Functional.Relu"/>.</summary>
    public Tensor Relu() => Functional.Relu(this);

    public Tensor Pow(float exponent) =>
        Unary(new PowOp(exponent), "Pow", Reads.Input, (g, x, y) => g.Binary(x, new PowGradOp(exponent)));

    /// <summary>Clamps into [min, max]; the gradient passes where min ≤ x ≤ max, as torch.clamp.</summary>
    public Tensor Clamp(float min, float max) =>
        Unary(new ClampOp(min, max), "Clamp", Reads.Input, (g, x, y) => g.Mul(x.Unary(new InRangeOp(min, max))));

    /// <summary>Which of its input x and result y a unary's backward reads.</summary>
    internal enum Reads { Nothing, Input, Result }

    /// <summary>
    /// A differentiable element-wise op: one op struct runs on every backend; <paramref name="backward"/> maps
    /// (gradOut, x, y) to gradIn. The layer files (activations) define theirs with it.
    /// </summary>
    internal Tensor Unary<TOp>(TOp op, string name, Reads reads, Func<Tensor, Tensor, Tensor, Tensor> backward) where TOp : struct, IUnaryOp
    {
        var result = Unary(op);
        var x = this;
        return Autograd.Record(result, name, [x], g => [backward(g, x, result)], reads switch
        {
            Reads.Input => [Saved.Input("self", x)],
            Reads.Result => [Saved.Result(result)],
            _ => [],
        });
    }

    /// <summary>An op-struct unary without autograd, for backward rules.</summary>
    Tensor Unary<TOp>(TOp op) where TOp : struct, IUnaryOp
    {
        var result = Empty(Device, Shape);
        ElementwiseKernels.Unary(Device, F32, result.F32, op);
        return result;
    }

    /// <summary>An op-struct binary without autograd, for backward rules.</summary>
    internal Tensor Binary<TOp>(Tensor other, TOp op) where TOp : struct, IBinaryOp
    {
        var shape = ShapeUtil.BroadcastShapes(Shape, other.Shape);
        var result = Empty(Device, shape);
        ElementwiseKernels.Binary(Device, F32, other.F32, result.F32, BroadcastMap(this, other, shape), op);
        return result;
    }
}
