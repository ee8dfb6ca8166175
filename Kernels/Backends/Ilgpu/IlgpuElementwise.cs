using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>The element-wise kernels: one generic body per arity, specialised on an op struct.</summary>
static class IlgpuElementwise
{
    internal readonly struct UnaryBody<TOp>(ArrayView<float> x, ArrayView<float> y, TOp op) : IElementBody
        where TOp : struct, IUnaryOp
    {
        public void Run(int i) => y[i] = op.Apply(x[i]);
    }

    internal readonly struct BinaryBody<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast map, TOp op)
        : IElementBody where TOp : struct, IBinaryOp
    {
        public void Run(int i)
        {
            map.Map(i, out int ia, out int ib);
            y[i] = op.Apply(a[ia], b[ib]);
        }
    }

    /// <summary>Like <see cref="BinaryBody{TOp}"/> but writes 1/0 bytes (bool masks).</summary>
    internal readonly struct CompareBody<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y, Broadcast map, TOp op)
        : IElementBody where TOp : struct, IBinaryOp
    {
        public void Run(int i)
        {
            map.Map(i, out int ia, out int ib);
            y[i] = op.Apply(a[ia], b[ib]) != 0f ? (byte)1 : (byte)0;
        }
    }

    /// <summary>y = mask ? a : b, with broadcasting of a and b; mask has y's shape.</summary>
    internal readonly struct WhereBody(ArrayView<byte> mask, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast map)
        : IElementBody
    {
        public void Run(int i)
        {
            map.Map(i, out int ia, out int ib);
            y[i] = mask[i] != 0 ? a[ia] : b[ib];
        }
    }

    internal readonly struct ArangeBody(ArrayView<float> y, float start, float step) : IElementBody
    {
        public void Run(int i) => y[i] = start + i * step;
    }

    /// <summary>y += x (gradient accumulation).</summary>
    internal readonly struct AccumulateBody(ArrayView<float> x, ArrayView<float> y) : IElementBody
    {
        public void Run(int i) => y[i] += x[i];
    }

    public static void Unary<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, TOp op) where TOp : struct, IUnaryOp =>
        d.ForEach((int)y.Length, new UnaryBody<TOp>(x, y, op));

    public static void Binary<TOp>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp =>
        d.ForEach((int)y.Length, new BinaryBody<TOp>(a, b, y, map, op));

    public static void Compare<TOp>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y,
        Broadcast map, TOp op) where TOp : struct, IBinaryOp =>
        d.ForEach((int)y.Length, new CompareBody<TOp>(a, b, y, map, op));

    public static void Where(Device d, ArrayView<byte> mask, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> y, Broadcast map) =>
        d.ForEach((int)y.Length, new WhereBody(mask, a, b, y, map));

    public static void Arange(Device d, ArrayView<float> y, float start, float step) =>
        d.ForEach((int)y.Length, new ArangeBody(y, start, step));

    public static void Accumulate(Device d, ArrayView<float> x, ArrayView<float> y) =>
        d.ForEach((int)y.Length, new AccumulateBody(x, y));
}
