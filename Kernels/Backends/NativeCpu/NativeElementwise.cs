using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of the element-wise, copy and reduction families: the same op structs the ILGPU
/// kernels are specialised on, applied in parallel host loops (the JIT inlines each op into its loop),
/// so any op struct runs here without code of its own; the hottest ops have SIMD forms that give the
/// same bits.
/// </summary>
static unsafe class NativeElementwise
{
    public static void Unary<TOp>(HostMemory host, ArrayView<float> x, ArrayView<float> y, TOp op) where TOp : struct, IUnaryOp
    {
        nint px = host.Address(x), py = host.Address(y);
        NativeLoops.For((int)y.Length, (begin, end) =>
        {
            float* xs = (float*)px, ys = (float*)py;
            // NOTE: a data-dependent branch per element mispredicts half the time on activations; the
            // hottest op gets a branch-free vector form (the JIT removes the test for other ops).
            if (typeof(TOp) == typeof(ReluOp))
            {
                TensorPrimitives.Max(new ReadOnlySpan<float>(xs + begin, end - begin), 0f, new Span<float>(ys + begin, end - begin));
                return;
            }
            int i = begin;
            if (typeof(TOp) == typeof(ClampOp))
                i = Clamp(xs, ys, begin, end, Unsafe.As<TOp, ClampOp>(ref op));
            for (; i < end; i++)
                ys[i] = op.Apply(xs[i]);
        });
    }

    /// <summary>
    /// ClampOp (hardtanh, ReLU6) 8 elements at a time from <paramref name="begin"/>, the scalar op's selects
    /// in its order (x &lt; min, then x &gt; max, else x: a NaN stays); returns where the scalar tail starts.
    /// </summary>
    static int Clamp(float* xs, float* ys, int begin, int end, ClampOp op)
    {
        var min = Vector256.Create(op.Min);
        var max = Vector256.Create(op.Max);
        int i = begin;
        for (; i + 8 <= end; i += 8)
        {
            var x = Vector256.Load(xs + i);
            var upper = Vector256.ConditionalSelect(Vector256.GreaterThan(x, max), max, x);
            Vector256.Store(Vector256.ConditionalSelect(Vector256.LessThan(x, min), min, upper), ys + i);
        }
        return i;
    }

    public static void Binary<TOp>(HostMemory host, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast map, TOp op)
        where TOp : struct, IBinaryOp =>
        Broadcasting<TOp, float, Unchanged>(host.Address(a), host.Address(b), host.Address(y), (int)y.Length, map, op);

    public static void Compare<TOp>(HostMemory host, ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y, Broadcast map, TOp op)
        where TOp : struct, IBinaryOp =>
        Broadcasting<TOp, byte, ConvertOps.FloatToBool>(host.Address(a), host.Address(b), host.Address(y), (int)y.Length, map, op);

    /// <summary>The stored value of a float result: the result itself.</summary>
    readonly struct Unchanged : IConvertOp<float, float> { public float Apply(float x) => x; }

    /// <summary>
    /// y[i] = store(op(a[ia], b[ib])) for the <paramref name="length"/> outputs, (ia, ib) = map(i); float outputs
    /// take <see cref="TryVector{TOp}"/>'s SIMD forms where they exist (the JIT drops the test for other types).
    /// </summary>
    static void Broadcasting<TOp, TOut, TStore>(nint pa, nint pb, nint py, int length, Broadcast map, TOp op)
        where TOp : struct, IBinaryOp where TOut : unmanaged where TStore : struct, IConvertOp<float, TOut>
    {
        if (map.Contiguous != 0)
        {
            NativeLoops.For(length, (begin, end) =>
            {
                float* xa = (float*)pa, xb = (float*)pb;
                TOut* ys = (TOut*)py;
                if (typeof(TOut) == typeof(float) && TryVector(op, xa + begin, 1, xb + begin, 1, (float*)ys + begin, end - begin))
                    return;
                for (int i = begin; i < end; i++)
                    ys[i] = default(TStore).Apply(op.Apply(xa[i], xb[i]));
            });
            return;
        }
        // NOTE: one index decomposition per row of the innermost dimension, not per element.
        int inner = map.D5, sa = map.A5, sb = map.B5;
        if (length == 0)
            return;
        NativeLoops.For(length / inner, inner, (begin, end) =>
        {
            float* xa = (float*)pa, xb = (float*)pb;
            TOut* ys = (TOut*)py;
            for (int row = begin; row < end; row++)
            {
                map.Map(row * inner, out int ia, out int ib);
                TOut* yr = ys + row * inner;
                if (typeof(TOut) == typeof(float) && TryVector(op, xa + ia, sa, xb + ib, sb, (float*)yr, inner))
                    continue;
                for (int k = 0; k < inner; k++)
                    yr[k] = default(TStore).Apply(op.Apply(xa[ia + k * sa], xb[ib + k * sb]));
            }
        });
    }

    /// <summary>
    /// y[k] = op(a[k·sa], b[k·sb]) for k &lt; n with SIMD, where the op has a vector form and each operand
    /// is contiguous (stride 1) or one broadcast value (stride 0); false (nothing done) otherwise.
    /// The vector forms are the same IEEE operations, so results equal the scalar loop's bit for bit.
    /// </summary>
    static bool TryVector<TOp>(TOp op, float* a, int sa, float* b, int sb, float* y, int n) where TOp : struct, IBinaryOp
    {
        var ys = new Span<float>(y, n);
        if (sa == 1 && sb == 1)
        {
            ReadOnlySpan<float> xa = new(a, n), xb = new(b, n);
            if (typeof(TOp) == typeof(AddOp)) TensorPrimitives.Add(xa, xb, ys);
            else if (typeof(TOp) == typeof(SubOp)) TensorPrimitives.Subtract(xa, xb, ys);
            else if (typeof(TOp) == typeof(MulOp)) TensorPrimitives.Multiply(xa, xb, ys);
            else if (typeof(TOp) == typeof(DivOp)) TensorPrimitives.Divide(xa, xb, ys);
            else if (typeof(TOp) == typeof(ReluGradOp))
            {
                // NOTE: a data-dependent branch per element mispredicts half the time on activations.
                int i = 0;
                for (; i + 8 <= n; i += 8)
                {
                    var keep = Vector256.GreaterThan(Vector256.Load(b + i), Vector256<float>.Zero);
                    Vector256.Store(Vector256.BitwiseAnd(Vector256.Load(a + i), keep), y + i);
                }
                for (; i < n; i++)
                    y[i] = b[i] > 0f ? a[i] : 0f;
            }
            else if (typeof(TOp) == typeof(HardtanhGradOp))
                HardtanhGrad(a, b, y, n, Unsafe.As<TOp, HardtanhGradOp>(ref op));
            else return false;
            return true;
        }
        if (sa == 1 && sb == 0)
        {
            ReadOnlySpan<float> xa = new(a, n);
            if (typeof(TOp) == typeof(AddOp)) TensorPrimitives.Add(xa, *b, ys);
            else if (typeof(TOp) == typeof(SubOp)) TensorPrimitives.Subtract(xa, *b, ys);
            else if (typeof(TOp) == typeof(MulOp)) TensorPrimitives.Multiply(xa, *b, ys);
            else if (typeof(TOp) == typeof(DivOp)) TensorPrimitives.Divide(xa, *b, ys);
            else return false;
            return true;
        }
        if (sa == 0 && sb == 1)
        {
            ReadOnlySpan<float> xb = new(b, n);
            if (typeof(TOp) == typeof(AddOp)) TensorPrimitives.Add(xb, *a, ys);
            else if (typeof(TOp) == typeof(MulOp)) TensorPrimitives.Multiply(xb, *a, ys);
            else if (typeof(TOp) == typeof(SubOp)) TensorPrimitives.Subtract(*a, xb, ys);
            else if (typeof(TOp) == typeof(DivOp)) TensorPrimitives.Divide(*a, xb, ys);
            else return false;
            return true;
        }
        return false;
    }

    /// <summary>HardtanhGradOp on contiguous g (a) and x (b): g where min &lt; x &lt; max, else +0, as the scalar op.</summary>
    static void HardtanhGrad(float* a, float* b, float* y, int n, HardtanhGradOp op)
    {
        var min = Vector256.Create(op.Min);
        var max = Vector256.Create(op.Max);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var x = Vector256.Load(b + i);
            var keep = Vector256.BitwiseAnd(Vector256.GreaterThan(x, min), Vector256.LessThan(x, max));
            Vector256.Store(Vector256.BitwiseAnd(Vector256.Load(a + i), keep), y + i);
        }
        for (; i < n; i++)
            y[i] = op.Apply(a[i], b[i]);
    }

    public static void StridedCopy<T>(HostMemory host, ArrayView<T> x, ArrayView<T> y, int count, Broadcast map) where T : unmanaged
    {
        nint px = host.Address(x), py = host.Address(y);
        int inner = map.D5, sa = map.A5, sb = map.B5;
        if (count == 0)
            return;
        NativeLoops.For(count / inner, inner, (begin, end) =>
        {
            T* xs = (T*)px, ys = (T*)py;
            for (int row = begin; row < end; row++)
            {
                map.Map(row * inner, out int src, out int dst);
                // Rows of a contiguous copy and of a broadcast (a bias spread over pixels) are block operations.
                if (sb == 1 && sa == 1)
                    new Span<T>(xs + src, inner).CopyTo(new Span<T>(ys + dst, inner));
                else if (sb == 1 && sa == 0)
                    new Span<T>(ys + dst, inner).Fill(xs[src]);
                else
                    for (int k = 0; k < inner; k++)
                        ys[dst + k * sb] = xs[src + k * sa];
            }
        });
    }

    public static void Convert<TIn, TOut, TOp>(HostMemory host, ArrayView<TIn> x, ArrayView<TOut> y, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IConvertOp<TIn, TOut>
    {
        nint px = host.Address(x), py = host.Address(y);
        NativeLoops.For((int)y.Length, (begin, end) =>
        {
            TIn* xs = (TIn*)px;
            TOut* ys = (TOut*)py;
            for (int i = begin; i < end; i++)
                ys[i] = op.Apply(xs[i]);
        });
    }

    public static void Fill<T>(HostMemory host, ArrayView<T> y, T value) where T : unmanaged
    {
        nint py = host.Address(y);
        NativeLoops.For((int)y.Length, (begin, end) => new Span<T>((T*)py + begin, end - begin).Fill(value));
    }

    public static void Accumulate(HostMemory host, ArrayView<float> x, ArrayView<float> y)
    {
        nint px = host.Address(x), py = host.Address(y);
        NativeLoops.For((int)y.Length, (begin, end) =>
            TensorPrimitives.Add(
                new ReadOnlySpan<float>((float*)py + begin, end - begin),
                new ReadOnlySpan<float>((float*)px + begin, end - begin),
                new Span<float>((float*)py + begin, end - begin)));
    }

    /// <summary>
    /// The contract of <see cref="ReductionKernels"/>, in <see cref="ReducePlan"/>'s order (the ILGPU kernel's, bit for bit):
    /// interleaved partials, reduced again until one is left.
    /// </summary>
    public static void Reduce<TOp>(HostMemory host, ArrayView<float> x, ArrayView<float> y, int outputs, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, TOp op) where TOp : struct, IReduceOp =>
        ReduceLevels((float*)host.Address(x), (float*)host.Address(y), outputs, outMap, reduceMap, reduceCount, op);

    static void ReduceLevels<TOp>(float* xs, float* ys, int outputs, Broadcast outMap, Broadcast reduceMap, int reduceCount, TOp op)
        where TOp : struct, IReduceOp
    {
        int partials = ReducePlan.Partials(reduceCount);
        if (partials == 1)
        {
            ReducePartials(xs, ys, outputs, outMap, reduceMap, reduceCount, 1, op);
            return;
        }
        var partial = new float[outputs * partials];
        fixed (float* ps = partial)
        {
            ReducePartials(xs, ps, outputs, outMap, reduceMap, reduceCount, partials, op);
            var rowMap = Broadcast.Create([outputs], [partials], [partials], false);
            var colMap = Broadcast.Create([partials], [1], [1], false);
            ReduceLevels(ps, ys, outputs, rowMap, colMap, partials, op);
        }
    }

    /// <summary>
    /// ys[o, p] = terms p, p + partials, ... of output o combined in order. Walks the terms a slab of
    /// <paramref name="partials"/> consecutive ones at a time, so each slab is read as runs along the reduced
    /// extent's innermost dimension (one index map per run, not per term); the cores split the partials.
    /// </summary>
    static void ReducePartials<TOp>(float* xs, float* ys, int outputs, Broadcast outMap, Broadcast reduceMap, int reduceCount,
        int partials, TOp op) where TOp : struct, IReduceOp
    {
        int inner = Math.Max(reduceMap.D5, 1), stride = reduceMap.A5;
        int blocks = outputs >= Environment.ProcessorCount ? 1 : Math.Min(partials, Environment.ProcessorCount);
        NativeLoops.For(outputs * blocks, reduceCount / blocks, (begin, end) =>
        {
            for (int task = begin; task < end; task++)
            {
                int o = task / blocks, block = task - o * blocks;
                int first = (int)((long)block * partials / blocks), last = (int)((long)(block + 1) * partials / blocks);
                outMap.Map(o, out int baseOffset, out _);
                float* acc = ys + (long)o * partials;
                if (partials == 1)
                {
                    // NOTE: one partial combines every term in order: whole rows, without the slab walk's division per term.
                    float sum = op.Identity;
                    for (int row = 0; row < reduceCount / inner; row++)
                    {
                        reduceMap.Map(row * inner, out int rowOffset, out _);
                        float* run = xs + baseOffset + rowOffset;
                        for (int col = 0; col < inner; col++)
                            sum = op.Combine(sum, run[col * stride]);
                    }
                    acc[0] = sum;
                    continue;
                }
                for (int p = first; p < last; p++)
                    acc[p] = op.Identity;
                for (long slab = 0; slab + first < reduceCount; slab += partials)
                {
                    int k = (int)(slab + first), slabEnd = (int)Math.Min(reduceCount, slab + last);
                    while (k < slabEnd)
                    {
                        int row = k / inner, col = k - row * inner, runEnd = Math.Min(slabEnd, (row + 1) * inner);
                        reduceMap.Map(row * inner, out int rowOffset, out _);
                        float* run = xs + baseOffset + rowOffset;
                        float* target = acc - slab;
                        for (; k < runEnd; k++, col++)
                            target[k] = op.Combine(target[k], run[col * stride]);
                    }
                }
            }
        });
    }
}
