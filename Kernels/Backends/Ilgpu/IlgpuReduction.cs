using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Reductions over any set of dimensions. Output element o reads the input at
/// <c>outMap(o) + reduceMap(k)</c> for k over the reduced extent. When there are few outputs the
/// reduced extent is cut into <c>splits</c> parts reduced in parallel, then a second pass combines
/// them, so the order of additions is fixed (deterministic results on every device).
/// </summary>
static class IlgpuReduction
{
    internal readonly struct ReduceBody<TOp>(ArrayView<float> x, ArrayView<float> y, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, int splits, TOp op) : IElementBody where TOp : struct, IReduceOp
    {
        public void Run(int item)
        {
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

    internal readonly struct ArgMaxBody(ArrayView<float> x, ArrayView<long> y, int reduce, int inner) : IElementBody
    {
        public void Run(int o)
        {
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

    public static void Reduce<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, int outputs, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, TOp op) where TOp : struct, IReduceOp
    {
        // Split long reductions when the outputs alone cannot keep the device busy.
        int splits = outputs >= d.ParallelThreads || reduceCount < 64
            ? 1
            : Math.Min(Math.Max(1, d.ParallelThreads / Math.Max(outputs, 1)), (reduceCount + 31) / 32);
        if (splits == 1)
        {
            d.ForEach(outputs, new ReduceBody<TOp>(x, y, outMap, reduceMap, reduceCount, 1, op));
            return;
        }
        var partialBuffer = d.Pool.Rent((long)outputs * splits * sizeof(float));
        try
        {
            var partial = partialBuffer.As<float>((long)outputs * splits);
            d.ForEach(outputs * splits, new ReduceBody<TOp>(x, partial, outMap, reduceMap, reduceCount, splits, op));
            var rowMap = Broadcast.Create([outputs], [splits], [splits], false);
            var colMap = Broadcast.Create([splits], [1], [1], false);
            d.ForEach(outputs, new ReduceBody<TOp>(partial, y, rowMap, colMap, splits, 1, op));
        }
        finally
        {
            d.Pool.Return(partialBuffer);
        }
    }

    /// <summary>Index of the maximum along the middle dimension of x viewed as [outer, reduce, inner].</summary>
    public static void ArgMax(Device d, ArrayView<float> x, ArrayView<long> y, int reduce, int inner) =>
        d.ForEach((int)y.Length, new ArgMaxBody(x, y, reduce, inner));
}
