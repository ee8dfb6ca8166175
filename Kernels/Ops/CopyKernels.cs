using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Strided copies and type conversions. One strided copy serves permute, slice, concatenation and
/// expand: element i of the copied shape is read at map offset A and written at map offset B.
/// </summary>
public static class CopyKernels
{
    /// <summary>Copies <paramref name="count"/> elements from x to y at the offsets <paramref name="map"/> gives.</summary>
    public static void StridedCopy<T>(Device d, ArrayView<T> x, ArrayView<T> y, int count, Broadcast map)
        where T : unmanaged => d.Backend.StridedCopy(x, y, count, map);

    public static void Fill<T>(Device d, ArrayView<T> y, T value) where T : unmanaged => d.Backend.Fill(y, value);

    /// <summary>y = op(x) element by element: dtype conversions (<see cref="ConvertOps"/>).</summary>
    public static void Convert<TIn, TOut, TOp>(Device d, ArrayView<TIn> x, ArrayView<TOut> y, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IConvertOp<TIn, TOut> => d.Backend.Convert(x, y, op);
}
