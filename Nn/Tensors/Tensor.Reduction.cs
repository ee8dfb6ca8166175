using QSparse.Kernels;

namespace QSparse.Nn;

public sealed partial class Tensor
{
    /// <summary>Sum of all elements, as a scalar tensor (shape []).</summary>
    public Tensor Sum() => Sum(Enumerable.Range(0, Rank).ToArray());

    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum over <paramref name="dims"/>; kept as size-1 dimensions when <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var (reduced, keptShape, outShape) = ReductionShapes(dims, keepDim);
        var result = Empty(Device, outShape);
        ReductionKernels.Reduce(Device, F32, result.F32, Shape, reduced, new SumReduce());
        var inShape = Shape;
        return Autograd.Record(result, "Sum", [this], g => [g.Reshape(keptShape).BroadcastTo(inShape)]);
    }

    public Tensor Mean() => Mean(Enumerable.Range(0, Rank).ToArray());

    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        var (reduced, _, _) = ReductionShapes(dims, keepDim);
        int count = Shape.Where((_, i) => reduced[i]).Aggregate(1, (a, b) => a * b);
        // NOTE: the sum stays alive: it is part of the graph (the scope releases it).
        return Sum(dims, keepDim).Affine(1f / count, 0);
    }

    /// <summary>Maximum over <paramref name="dim"/>; the gradient goes to every element equal to the maximum, shared evenly (torch.amax).</summary>
    public Tensor Max(int dim, bool keepDim = false) => Max([dim], keepDim);

    /// <summary>Maximum of all elements, as a scalar tensor.</summary>
    public Tensor Max() => Max(Enumerable.Range(0, Rank).ToArray());

    public Tensor Max(int[] dims, bool keepDim = false)
    {
        var (reduced, keptShape, outShape) = ReductionShapes(dims, keepDim);
        var result = Empty(Device, outShape);
        ReductionKernels.Reduce(Device, F32, result.F32, Shape, reduced, new MaxReduce());
        var x = this;
        return Autograd.Record(result, "Max", [x], g =>
        {
            var atMax = x.Eq(result.Reshape(keptShape)).To(DType.Float32);
            var ties = atMax.Sum(dims, keepDim: true);
            return [atMax.Mul(g.Reshape(keptShape)).Div(ties)];
        }, Saved.Input("self", x), Saved.Result(result));
    }

    /// <summary>Minimum over <paramref name="dim"/>; the gradient goes to every element equal to the minimum, shared evenly (torch.amin).</summary>
    public Tensor Min(int dim, bool keepDim = false) => Min([dim], keepDim);

    /// <summary>Minimum of all elements, as a scalar tensor.</summary>
    public Tensor Min() => Min(Enumerable.Range(0, Rank).ToArray());

    /// <summary>Minimum over <paramref name="dims"/>: −max(−x), exact (negation is), with max's tie and NaN rules.</summary>
    public Tensor Min(int[] dims, bool keepDim = false) => Neg().Max(dims, keepDim).Neg();

    /// <summary>Index of the first maximum along <paramref name="dim"/>, as int64.</summary>
    public Tensor ArgMax(int dim, bool keepDim = false)
    {
        int d = ShapeUtil.NormalizeDim(dim, Rank);
        int inner = Shape.Skip(d + 1).Aggregate(1, (a, b) => a * b);
        var (_, _, outShape) = ReductionShapes([d], keepDim);
        var result = Empty(Device, outShape, DType.Int64);
        ReductionKernels.ArgMax(Device, F32, result.I64, Shape[d], inner);
        return result;
    }

    (bool[] Reduced, int[] KeptShape, int[] OutShape) ReductionShapes(int[] dims, bool keepDim)
    {
        var reduced = new bool[Rank];
        foreach (int dim in dims)
            reduced[ShapeUtil.NormalizeDim(dim, Rank)] = true;
        var kept = Shape.Select((n, i) => reduced[i] ? 1 : n).ToArray();
        var output = keepDim ? kept : Shape.Where((_, i) => !reduced[i]).ToArray();
        return (reduced, kept, output);
    }

    /// <summary>Back-propagates from this scalar (or with an explicit <paramref name="gradient"/>) into every leaf's <see cref="Grad"/>.</summary>
    public void Backward(Tensor? gradient = null) => Autograd.Backward(this, gradient);
}
