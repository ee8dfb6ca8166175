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

    static void FloatToByteKernel(ElementRange r, ArrayView<float> x, ArrayView<byte> y)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = x[i] != 0f ? (byte)1 : (byte)0;
        }
    }

    static void ByteToFloatKernel(ElementRange r, ArrayView<byte> x, ArrayView<float> y)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = x[i];
        }
    }

    // NOTE: float → int truncates toward zero, like C#'s (int) cast and torch's .int().
    static void FloatToIntKernel(ElementRange r, ArrayView<float> x, ArrayView<int> y)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = (int)x[i];
        }
    }

    static void IntToFloatKernel(ElementRange r, ArrayView<int> x, ArrayView<float> y)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = x[i];
        }
    }

    static void LongToFloatKernel(ElementRange r, ArrayView<long> x, ArrayView<float> y)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = x[i];
        }
    }

    static void FloatToLongKernel(ElementRange r, ArrayView<float> x, ArrayView<long> y)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = (long)x[i];
        }
    }

    /// <summary>Copies <paramref name="count"/> elements from x to y at the offsets <paramref name="map"/> gives.</summary>
    public static void StridedCopy<T>(Device d, ArrayView<T> x, ArrayView<T> y, int count, Broadcast map)
        where T : unmanaged
    {
        var (config, range) = d.Elements(count);
        d.Kernel<ElementRange, ArrayView<T>, ArrayView<T>, Broadcast>(StridedCopyKernel)(config, range, x, y, map);
    }

    public static void Fill<T>(Device d, ArrayView<T> y, T value) where T : unmanaged
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<T>, T>(FillKernel)(config, range, y, value);
    }

    public static void Convert(Device d, ArrayView<float> x, ArrayView<byte> y) => Launch(d, FloatToByteKernel, x, y);
    public static void Convert(Device d, ArrayView<byte> x, ArrayView<float> y) => Launch(d, ByteToFloatKernel, x, y);
    public static void Convert(Device d, ArrayView<float> x, ArrayView<int> y) => Launch(d, FloatToIntKernel, x, y);
    public static void Convert(Device d, ArrayView<int> x, ArrayView<float> y) => Launch(d, IntToFloatKernel, x, y);
    public static void Convert(Device d, ArrayView<long> x, ArrayView<float> y) => Launch(d, LongToFloatKernel, x, y);
    public static void Convert(Device d, ArrayView<float> x, ArrayView<long> y) => Launch(d, FloatToLongKernel, x, y);

    static void Launch<TIn, TOut>(Device d, Action<ElementRange, ArrayView<TIn>, ArrayView<TOut>> kernel,
        ArrayView<TIn> x, ArrayView<TOut> y) where TIn : unmanaged where TOut : unmanaged
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel(kernel)(config, range, x, y);
    }
}
