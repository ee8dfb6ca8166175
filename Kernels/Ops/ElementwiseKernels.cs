using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Element-wise entry points: one generic op per arity, specialised on an op struct (<see cref="IUnaryOp"/>,
/// <see cref="IBinaryOp"/>); each runs on the device's <see cref="Backend"/>.
/// </summary>
public static class ElementwiseKernels
{
    /// <summary>y[i] = op(x[i]).</summary>
    public static void Unary<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, TOp op) where TOp : struct, IUnaryOp =>
        d.Backend.Unary(x, y, op);

    /// <summary>y[i] = op(a[ia], b[ib]) with (ia, ib) = map(i): broadcasting through strides 0.</summary>
    public static void Binary<TOp>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp => d.Backend.Binary(a, b, y, map, op);

    /// <summary>As <see cref="Binary{TOp}"/>, writing 1/0 bytes (bool masks) where op gives non-zero/zero.</summary>
    public static void Compare<TOp>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp => d.Backend.Compare(a, b, y, map, op);

    /// <summary>y = mask ? a : b, with broadcasting of a and b; mask has y's shape.</summary>
    public static void Where(Device d, ArrayView<byte> mask, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> y, Broadcast map) => d.Backend.Where(mask, a, b, y, map);

    public static void Fill(Device d, ArrayView<float> y, float value) => d.Backend.Fill(y, value);

    /// <summary>y[i] = start + i·step.</summary>
    public static void Arange(Device d, ArrayView<float> y, float start, float step) => d.Backend.Arange(y, start, step);

    /// <summary>y += x (gradient accumulation).</summary>
    public static void Accumulate(Device d, ArrayView<float> x, ArrayView<float> y) => d.Backend.Accumulate(x, y);
}
