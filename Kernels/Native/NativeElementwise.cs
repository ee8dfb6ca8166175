using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The native path of the element-wise, copy and reduction families: the same op structs the ILGPU
/// kernels are specialised on, applied in host loops (the JIT inlines each op into its loop).
/// </summary>
static unsafe class NativeElementwise
{
    public static void Unary<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, TOp op) where TOp : struct, IUnaryOp
    {
        d.Synchronize();
        nint px = x.Address(), py = y.Address();
        NativeLoops.For((int)y.Length, (begin, end) =>
        {
            float* xs = (float*)px, ys = (float*)py;
            for (int i = begin; i < end; i++)
                ys[i] = op.Apply(xs[i]);
        });
    }

    public static void Binary<TOp>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast map, TOp op)
        where TOp : struct, IBinaryOp
    {
        d.Synchronize();
        nint pa = a.Address(), pb = b.Address(), py = y.Address();
        NativeLoops.For((int)y.Length, (begin, end) =>
        {
            float* xa = (float*)pa, xb = (float*)pb, ys = (float*)py;
            if (map.Contiguous != 0)
            {
                for (int i = begin; i < end; i++)
                    ys[i] = op.Apply(xa[i], xb[i]);
                return;
            }
            for (int i = begin; i < end; i++)
            {
                map.Map(i, out int ia, out int ib);
                ys[i] = op.Apply(xa[ia], xb[ib]);
            }
        });
    }

    public static void StridedCopy<T>(Device d, ArrayView<T> x, ArrayView<T> y, int count, Broadcast map) where T : unmanaged
    {
        d.Synchronize();
        nint px = x.Address(), py = y.Address();
        NativeLoops.For(count, (begin, end) =>
        {
            T* xs = (T*)px, ys = (T*)py;
            for (int i = begin; i < end; i++)
            {
                map.Map(i, out int src, out int dst);
                ys[dst] = xs[src];
            }
        });
    }

    public static void Fill<T>(Device d, ArrayView<T> y, T value) where T : unmanaged
    {
        d.Synchronize();
        nint py = y.Address();
        NativeLoops.For((int)y.Length, (begin, end) => new Span<T>((T*)py + begin, end - begin).Fill(value));
    }

    public static void Accumulate(Device d, ArrayView<float> x, ArrayView<float> y)
    {
        d.Synchronize();
        nint px = x.Address(), py = y.Address();
        NativeLoops.For((int)y.Length, (begin, end) =>
            System.Numerics.Tensors.TensorPrimitives.Add(
                new ReadOnlySpan<float>((float*)py + begin, end - begin),
                new ReadOnlySpan<float>((float*)px + begin, end - begin),
                new Span<float>((float*)py + begin, end - begin)));
    }

    /// <summary>Same contract and order of additions per output as <see cref="ReductionKernels"/>' single-pass kernel.</summary>
    public static void Reduce<TOp>(Device d, ArrayView<float> x, ArrayView<float> y, int outputs, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, TOp op) where TOp : struct, IReduceOp
    {
        d.Synchronize();
        nint px = x.Address(), py = y.Address();
        // NOTE: few outputs over long reductions (a full sum) split the reduced range per core.
        int splits = outputs >= Environment.ProcessorCount || reduceCount < (1 << 15) ? 1 : Environment.ProcessorCount;
        var partial = new float[outputs * splits];
        NativeLoops.For(outputs * splits, (begin, end) =>
        {
            float* xs = (float*)px;
            for (int item = begin; item < end; item++)
            {
                int o = item / splits, part = item - o * splits;
                int chunk = (reduceCount + splits - 1) / splits;
                int from = part * chunk, to = Math.Min(reduceCount, from + chunk);
                outMap.Map(o, out int baseOffset, out _);
                float acc = op.Identity;
                for (int k = from; k < to; k++)
                {
                    reduceMap.Map(k, out int offset, out _);
                    acc = op.Combine(acc, xs[baseOffset + offset]);
                }
                partial[item] = acc;
            }
        });
        float* ys = (float*)py;
        if (splits == 1)
        {
            partial.AsSpan().CopyTo(new Span<float>(ys, outputs));
            return;
        }
        for (int o = 0; o < outputs; o++)
        {
            float acc = op.Identity;
            for (int p = 0; p < splits; p++)
                acc = op.Combine(acc, partial[o * splits + p]);
            ys[o] = acc;
        }
    }
}
