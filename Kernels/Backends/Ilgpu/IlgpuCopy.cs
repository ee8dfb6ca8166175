using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Strided copies, fills and type conversions. One strided copy serves permute, slice, concatenation and
/// expand: element i of the copied shape is read at map offset A and written at map offset B.
/// </summary>
static class IlgpuCopy
{
    internal readonly struct StridedCopyBody<T>(ArrayView<T> x, ArrayView<T> y, Broadcast map) : IElementBody
        where T : unmanaged
    {
        public void Run(int i)
        {
            map.Map(i, out int src, out int dst);
            y[dst] = x[src];
        }
    }

    internal readonly struct FillBody<T>(ArrayView<T> y, T value) : IElementBody where T : unmanaged
    {
        public void Run(int i) => y[i] = value;
    }

    internal readonly struct ConvertBody<TIn, TOut, TOp>(ArrayView<TIn> x, ArrayView<TOut> y, TOp op) : IElementBody
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IConvertOp<TIn, TOut>
    {
        public void Run(int i) => y[i] = op.Apply(x[i]);
    }

    public static void StridedCopy<T>(Device d, ArrayView<T> x, ArrayView<T> y, int count, Broadcast map)
        where T : unmanaged => d.ForEach(count, new StridedCopyBody<T>(x, y, map));

    public static void Fill<T>(Device d, ArrayView<T> y, T value) where T : unmanaged =>
        d.ForEach((int)y.Length, new FillBody<T>(y, value));

    public static void Convert<TIn, TOut, TOp>(Device d, ArrayView<TIn> x, ArrayView<TOut> y, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IConvertOp<TIn, TOut> =>
        d.ForEach((int)y.Length, new ConvertBody<TIn, TOut, TOp>(x, y, op));
}
