using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// One operand of <see cref="GemmTileKernel"/> seen the same way for A and B: an Outer×K matrix per batch entry
/// (A: M×K, B: N×K, whatever its strides), copied slice by slice into shared memory laid out k-major,
/// S[k, outer] with rows of <c>extent + Pad</c> floats. Each thread moves quads (4 adjacent elements) that run
/// along whichever index has unit stride, so a warp reads contiguous memory; a quad inside the matrix of an
/// aligned operand is one 128-bit load (<see cref="Vector"/>), any other quad four bounds-checked scalar loads
/// that read zero outside the matrix (zeros add nothing to the products).
/// </summary>
internal readonly struct TileOperand(ArrayView<float> view, int batchStride, int outerStride, int kStride,
    int outerCount, int k, int kRun, int vector)
{
    /// <summary>
    /// NOTE: 4 floats of padding per shared row: the transposed stores of k-run quads (rows 4 apart) then fall in
    /// banks 16 apart, so a warp's 32 stores hit 32 banks; rows stay 16-byte aligned for the Float4 reads.
    /// </summary>
    public const int Pad = 4;

    public readonly ArrayView<float> View = view;
    public readonly int BatchStride = batchStride, OuterStride = outerStride, KStride = kStride;
    public readonly int OuterCount = outerCount, K = k;

    /// <summary>1 when quads run along k (unit k stride, e.g. row-major A), 0 when along the outer index.</summary>
    public readonly int KRun = kRun;

    /// <summary>1 when every quad inside the matrix starts 16-byte aligned: the run index has unit stride, the other strides and the view's address are multiples of 4 floats.</summary>
    public readonly int Vector = vector;

    /// <summary>The operand with the given strides; decides on the host whether its quads may be vector loads.</summary>
    public static TileOperand For(ArrayView<float> view, int batchStride, int outerStride, int kStride, int outerCount, int k)
    {
        bool kRun = kStride == 1 || (outerStride != 1 && Math.Abs(kStride) < Math.Abs(outerStride));
        int other = kRun ? outerStride : kStride;
        bool unit = kRun ? kStride == 1 : outerStride == 1;
        bool vector = unit && other % 4 == 0 && batchStride % 4 == 0 && view.Length > 0
                      && view.LoadEffectiveAddressAsPtr() % 16 == 0;
        return new TileOperand(view, batchStride, outerStride, kStride, outerCount, k, kRun ? 1 : 0, vector ? 1 : 0);
    }

    /// <summary>This thread's quads of the slice at (outer0, k0): <paramref name="extent"/>·SliceK/4 quads over the group, at most two per thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TileStage Load(int extent, int thread, int batchOffset, int outer0, int k0)
    {
        int quads = extent * GemmTileKernel.SliceK / 4;
        var stage = default(TileStage);
        if (thread < quads)
            stage.Q0 = LoadQuad(extent, thread, batchOffset, outer0, k0);
        if (quads > GemmTileKernel.Threads)
            stage.Q1 = LoadQuad(extent, thread + GemmTileKernel.Threads, batchOffset, outer0, k0);
        return stage;
    }

    /// <summary>Writes this thread's quads into the shared slice starting at float <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ArrayView<float> shared, ArrayView<Float4> shared4, int offset, int extent, TileStage stage, int thread)
    {
        int quads = extent * GemmTileKernel.SliceK / 4;
        if (thread < quads)
            StoreQuad(shared, shared4, offset, extent, thread, stage.Q0);
        if (quads > GemmTileKernel.Threads)
            StoreQuad(shared, shared4, offset, extent, thread + GemmTileKernel.Threads, stage.Q1);
    }

    // NOTE: tile extents are powers of two, and quad indices are split with masks and unsigned division (shifts):
    // ILGPU emits C#'s signed / and % as div.s32/rem.s32, which cost ptxas a dozen instructions each.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Float4 LoadQuad(int extent, int q, int batchOffset, int outer0, int k0)
    {
        // The quad's first element (o, k), the stride between its elements, and how many of them lie inside the
        // matrix (4 or more: all). A k run: two quads cover the slice's 8 k of one outer index.
        int o, k, step, inside;
        if (KRun != 0)
        {
            o = outer0 + (q >> 1);
            k = k0 + (q & 1) * 4;
            step = KStride;
            inside = o < OuterCount ? K - k : 0;
        }
        else
        {
            int perRow = extent / 4;
            k = k0 + (int)((uint)q / (uint)perRow);
            o = outer0 + (q & (perRow - 1)) * 4;
            step = OuterStride;
            inside = k < K ? OuterCount - o : 0;
        }
        int i = batchOffset + o * OuterStride + k * KStride;
        if (Vector != 0 && inside >= 4)
            return View.Cast<Float4>().AsAligned(16)[i / 4];
        return new Float4(At(inside > 0, i), At(inside > 1, i + step), At(inside > 2, i + 2 * step), At(inside > 3, i + 3 * step));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    float At(bool inside, int i) => inside ? View[i] : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void StoreQuad(ArrayView<float> shared, ArrayView<Float4> shared4, int offset, int extent, int q, Float4 v)
    {
        int stride = extent + Pad;
        if (KRun != 0)
        {
            // The quad holds k..k+3 of one outer index: a column of the k-major slice.
            int o = q >> 1, i = offset + (q & 1) * 4 * stride + o;
            shared[i] = v.X;
            shared[i + stride] = v.Y;
            shared[i + 2 * stride] = v.Z;
            shared[i + 3 * stride] = v.W;
        }
        else
        {
            int perRow = extent / 4;
            shared4[(offset + (int)((uint)q / (uint)perRow) * stride + (q & (perRow - 1)) * 4) / 4] = v;
        }
    }
}
