using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Strided copies and type conversions. One strided copy serves permute, slice, concatenation and
/// expand: element i of the copied shape is read at map offset A and written at map offset B.
/// </summary>
public static class CopyKernels
{
    static void StridedCopyKernel<T>(ElementRange r, ArrayView<T> x, ArrayView<T> y, Broadcast map)
        where T : unmanaged
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            map.Map(i, out int src, out int dst);
            y[dst] = x[src];
        }
    }

    static void FillKernel<T>(ElementRange r, ArrayView<T> y, T value) where T : unmanaged
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = value;
        }
    }

    static void ConvertKernel<TIn, TOut, TOp>(ElementRange r, ArrayView<TIn> x, ArrayView<TOut> y, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IConvertOp<TIn, TOut>
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = op.Apply(x[i]);
        }
    }

    /// <summary>Copies <paramref name="count"/> elements from x to y at the offsets <paramref name="map"/> gives.</summary>
    public static void StridedCopy<T>(Device d, ArrayView<T> x, ArrayView<T> y, int count, Broadcast map)
        where T : unmanaged
    {
        if (d.NativeCpu)
        {
            NativeElementwise.StridedCopy(d, x, y, count, map);
            return;
        }
        var (config, range) = d.Elements(count);
        d.Kernel<ElementRange, ArrayView<T>, ArrayView<T>, Broadcast>(StridedCopyKernel)(config, range, x, y, map);
    }

    public static void Fill<T>(Device d, ArrayView<T> y, T value) where T : unmanaged
    {
        if (d.NativeCpu)
        {
            NativeElementwise.Fill(d, y, value);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<T>, T>(FillKernel)(config, range, y, value);
    }

    /// <summary>y = op(x) element by element: dtype conversions (<see cref="ConvertOps"/>).</summary>
    public static void Convert<TIn, TOut, TOp>(Device d, ArrayView<TIn> x, ArrayView<TOut> y, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IConvertOp<TIn, TOut>
    {
        if (d.NativeCpu)
        {
            NativeElementwise.Convert(d, x, y, op);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<TIn>, ArrayView<TOut>, TOp>(ConvertKernel)(config, range, x, y, op);
    }
}
