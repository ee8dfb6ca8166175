using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Reductions over any set of dimensions, with a fixed order of combination (deterministic results
/// on every backend), and argmax.
/// </summary>
public static class ReductionKernels
{
    /// <summary>
    /// Reduces x (shape <paramref name="shape"/>, contiguous) over the dimensions flagged in
    /// <paramref name="reduced"/> into y, which holds one element per kept position in row-major order.
    /// </summary>
    public static void Reduce<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, int[] shape, bool[] reduced, TOp op)
        where TOp : struct, IReduceOp
    {
        int rank = shape.Length;
        var strides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= shape[i], i--)
            strides[i] = s;
        var keptShape = shape.Select((n, i) => reduced[i] ? 1 : n).ToArray();
        var keptStrides = strides.Select((s, i) => reduced[i] ? 0 : s).ToArray();
        var reduceShape = shape.Select((n, i) => reduced[i] ? n : 1).ToArray();
        var reduceStrides = strides.Select((s, i) => reduced[i] ? s : 0).ToArray();
        int outputs = keptShape.Aggregate(1, (a, b) => a * b);
        int reduceCount = reduceShape.Aggregate(1, (a, b) => a * b);
        var outMap = Broadcast.Create(keptShape, keptStrides, keptStrides, false);
        var reduceMap = Broadcast.Create(reduceShape, reduceStrides, reduceStrides, false);
        d.Backend.Reduce(x, y, outputs, outMap, reduceMap, reduceCount, op);
    }

    /// <summary>Index of the maximum along the middle dimension of x viewed as [outer, reduce, inner] (the first on ties).</summary>
    public static void ArgMax(Device d, ArrayView<float> x, ArrayView<long> y, int reduce, int inner) =>
        d.Backend.ArgMax(x, y, reduce, inner);
}
