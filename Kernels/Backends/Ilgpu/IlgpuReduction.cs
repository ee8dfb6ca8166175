using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Reductions over any set of dimensions. Output element o reads the input at
/// <c>outMap(o) + reduceMap(k)</c> for k over the reduced extent. When there are few outputs the
/// reduced extent is cut into <c>splits</c> parts reduced in parallel, then a second pass combines
/// them, so the order of additions is fixed (deterministic results on every device).
/// </summary>
public static class ReductionKernels
{
    static void ReduceKernel<TOp>(ElementRange r, ArrayView<float> x, ArrayView<float> y,
        Broadcast outMap, Broadcast reduceMap, int reduceCount, int splits, TOp op) where TOp : struct, IReduceOp
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int item = r.Element(t, j);
            if (item < 0) return;
            int o = item / splits, part = item - o * splits;
            int chunk = (reduceCount + splits - 1) / splits;
            int begin = part * chunk, end = begin + chunk < reduceCount ? begin + chunk : reduceCount;
            outMap.Map(o, out int baseOffset, out _);
            float acc = op.Identity;
            for (int k = begin; k < end; k++)
            {
                reduceMap.Map(k, out int offset, out _);
                acc = op.Combine(acc, x[baseOffset + offset]);
            }
            y[item] = acc;
        }
    }

    static void ArgMaxKernel(ElementRange r, ArrayView<float> x, ArrayView<long> y, int reduce, int inner)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int o = r.Element(t, j);
            if (o < 0) return;
            int outer = o / inner, k0 = o - outer * inner;
            int baseOffset = outer * reduce * inner + k0;
            float best = x[baseOffset];
            int bestIndex = 0;
            for (int k = 1; k < reduce; k++)
            {
                float v = x[baseOffset + k * inner];
                // NOTE: the first maximum wins, as torch.argmax.
                if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                {
                    best = v;
                    bestIndex = k;
                }
            }
            y[o] = bestIndex;
        }
    }

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
        Reduce(d, x, y, outputs, outMap, reduceMap, reduceCount, op);
    }

    static void Reduce<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, int outputs, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, TOp op) where TOp : struct, IReduceOp
    {
        if (d.NativeCpu)
        {
            NativeElementwise.Reduce(d, x, y, outputs, outMap, reduceMap, reduceCount, op);
            return;
        }
        var kernel = d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, Broadcast, Broadcast, int, int, TOp>(ReduceKernel);
        // Split long reductions when the outputs alone cannot keep the device busy.
        int splits = outputs >= d.ParallelThreads || reduceCount < 64
            ? 1
            : Math.Min(Math.Max(1, d.ParallelThreads / Math.Max(outputs, 1)), (reduceCount + 31) / 32);
        if (splits == 1)
        {
            var (config, range) = d.Elements(outputs);
            kernel(config, range, x, y, outMap, reduceMap, reduceCount, 1, op);
            return;
        }
        var partialBuffer = d.Pool.Rent((long)outputs * splits * sizeof(float));
        try
        {
            var partial = partialBuffer.As<float>((long)outputs * splits);
            var (c1, r1) = d.Elements(outputs * splits);
            kernel(c1, r1, x, partial, outMap, reduceMap, reduceCount, splits, op);
            var rowMap = Broadcast.Create([outputs], [splits], [splits], false);
            var colMap = Broadcast.Create([splits], [1], [1], false);
            var (c2, r2) = d.Elements(outputs);
            kernel(c2, r2, partial, y, rowMap, colMap, splits, 1, op);
        }
        finally
        {
            d.Pool.Return(partialBuffer);
        }
    }

    /// <summary>Index of the maximum along the middle dimension of x viewed as [outer, reduce, inner].</summary>
    public static void ArgMax(Device d, ArrayView<float> x, ArrayView<long> y, int reduce, int inner)
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<long>, int, int>(ArgMaxKernel)(config, range, x, y, reduce, inner);
    }
}
