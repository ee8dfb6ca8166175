using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>Element-wise kernels: one generic kernel per arity, specialised on an op struct.</summary>
public static class ElementwiseKernels
{
    static void UnaryKernel<TOp>(ElementRange r, ArrayView<float> x, ArrayView<float> y, TOp op)
        where TOp : struct, IUnaryOp
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = op.Apply(x[i]);
        }
    }

    static void BinaryKernel<TOp>(ElementRange r, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            map.Map(i, out int ia, out int ib);
            y[i] = op.Apply(a[ia], b[ib]);
        }
    }

    /// <summary>Like <see cref="BinaryKernel{TOp}"/> but writes 1/0 bytes (bool masks).</summary>
    static void CompareKernel<TOp>(ElementRange r, ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            map.Map(i, out int ia, out int ib);
            y[i] = op.Apply(a[ia], b[ib]) != 0f ? (byte)1 : (byte)0;
        }
    }

    /// <summary>y = mask ? a : b, with broadcasting of a and b; mask has y's shape.</summary>
    static void WhereKernel(ElementRange r, ArrayView<byte> mask, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> y, Broadcast map)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            map.Map(i, out int ia, out int ib);
            y[i] = mask[i] != 0 ? a[ia] : b[ib];
        }
    }

    static void FillKernel(ElementRange r, ArrayView<float> y, float value)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = value;
        }
    }

    static void ArangeKernel(ElementRange r, ArrayView<float> y, float start, float step)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = start + i * step;
        }
    }

    /// <summary>y += x (gradient accumulation).</summary>
    static void AccumulateKernel(ElementRange r, ArrayView<float> x, ArrayView<float> y)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] += x[i];
        }
    }

    public static void Unary<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, TOp op) where TOp : struct, IUnaryOp
    {
        if (d.NativeCpu)
        {
            NativeElementwise.Unary(d, x, y, op);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, TOp>(UnaryKernel)(config, range, x, y, op);
    }

    public static void Binary<TOp>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp
    {
        if (d.NativeCpu)
        {
            NativeElementwise.Binary(d, a, b, y, map, op);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, Broadcast, TOp>(BinaryKernel)(
            config, range, a, b, y, map, op);
    }

    public static void Compare<TOp>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<byte>, Broadcast, TOp>(CompareKernel)(
            config, range, a, b, y, map, op);
    }

    public static void Where(Device d, ArrayView<byte> mask, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> y, Broadcast map)
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<byte>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Broadcast>(
            WhereKernel)(config, range, mask, a, b, y, map);
    }

    public static void Fill(Device d, ArrayView<float> y, float value)
    {
        if (d.NativeCpu)
        {
            NativeElementwise.Fill(d, y, value);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, float>(FillKernel)(config, range, y, value);
    }

    public static void Arange(Device d, ArrayView<float> y, float start, float step)
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, float, float>(ArangeKernel)(config, range, y, start, step);
    }

    public static void Accumulate(Device d, ArrayView<float> x, ArrayView<float> y)
    {
        if (d.NativeCpu)
        {
            NativeElementwise.Accumulate(d, x, y);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>>(AccumulateKernel)(config, range, x, y);
    }
}
