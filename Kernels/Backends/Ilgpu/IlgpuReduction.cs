using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Reductions over any set of dimensions. Output element o reads the input at
/// <c>outMap(o) + reduceMap(k)</c> for k over the reduced extent, combined in the order
/// <see cref="ReducePlan"/> fixes (interleaved partials reduced again until one is left), so results are
/// bit-identical on every device and with the native CPU backend.
/// </summary>
static class IlgpuReduction
{
    /// <summary>Partial p of output o: terms p, p + partials, ... of the reduced extent.</summary>
    internal readonly struct ReduceBody<TOp>(ArrayView<float> x, ArrayView<float> y, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, int partials, TOp op) : IElementBody where TOp : struct, IReduceOp
    {
        public void Run(int item)
        {
            int o = item / partials, part = item - o * partials;
            outMap.Map(o, out int baseOffset, out _);
            float acc = op.Identity;
            for (int k = part; k < reduceCount; k += partials)
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
        int partials = ReducePlan.Partials(reduceCount);
        if (partials == 1)
        {
            d.ForEach(outputs, new ReduceBody<TOp>(x, y, outMap, reduceMap, reduceCount, 1, op));
            return;
        }
        var partialBuffer = d.Pool.Rent((long)outputs * partials * sizeof(float));
        try
        {
            var partial = partialBuffer.As<float>((long)outputs * partials);
            d.ForEach(outputs * partials, new ReduceBody<TOp>(x, partial, outMap, reduceMap, reduceCount, partials, op));
            // The partials of each output are a contiguous row: reduce those rows by the same rule.
            var rowMap = Broadcast.Create([outputs], [partials], [partials], false);
            var colMap = Broadcast.Create([partials], [1], [1], false);
            Reduce(d, partial, y, outputs, rowMap, colMap, partials, op);
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
