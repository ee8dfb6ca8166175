using System.Runtime.CompilerServices;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Where <see cref="GemmTileKernel"/> writes a thread's <see cref="TileBlock"/>: C itself (Alpha·acc + Beta·C,
/// the <see cref="GemmShape"/> contract) or, under split-K, a dense partial sum (Alpha 1, Beta 0) that
/// <see cref="GemmSplitK"/> adds up. Elements outside Rows×Columns are not written.
/// </summary>
internal readonly struct TileOutput(ArrayView<float> view, int rowStride, int columnStride, int rows, int columns,
    float alpha, float beta)
{
    public readonly ArrayView<float> View = view;
    public readonly int RowStride = rowStride, ColumnStride = columnStride, Rows = rows, Columns = columns;
    public readonly float Alpha = alpha, Beta = beta;

    /// <summary>Writes rows r0..r0+3 and r0+rowHalf.., columns c0..c0+3 and c0+columnHalf.. of the block, from element <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(TileBlock t, int offset, int r0, int rowHalf, int c0, int columnHalf)
    {
        WriteRow(offset, r0, c0, columnHalf, t.Lo0, t.Hi0);
        WriteRow(offset, r0 + 1, c0, columnHalf, t.Lo1, t.Hi1);
        WriteRow(offset, r0 + 2, c0, columnHalf, t.Lo2, t.Hi2);
        WriteRow(offset, r0 + 3, c0, columnHalf, t.Lo3, t.Hi3);
        int r1 = r0 + rowHalf;
        WriteRow(offset, r1, c0, columnHalf, t.Lo4, t.Hi4);
        WriteRow(offset, r1 + 1, c0, columnHalf, t.Lo5, t.Hi5);
        WriteRow(offset, r1 + 2, c0, columnHalf, t.Lo6, t.Hi6);
        WriteRow(offset, r1 + 3, c0, columnHalf, t.Lo7, t.Hi7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void WriteRow(int offset, int r, int c0, int columnHalf, Float4 lo, Float4 hi)
    {
        if (r >= Rows)
            return;
        int row = offset + r * RowStride;
        WriteQuad(row, c0, lo);
        WriteQuad(row, c0 + columnHalf, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void WriteQuad(int row, int c, Float4 v)
    {
        Write(row, c, v.X);
        Write(row, c + 1, v.Y);
        Write(row, c + 2, v.Z);
        Write(row, c + 3, v.W);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Write(int row, int c, float acc)
    {
        if (c >= Columns)
            return;
        int i = row + c * ColumnStride;
        // NOTE: Beta = 0 must not read C: it may hold garbage or NaN (fresh pooled buffers).
        View[i] = Beta == 0f ? Alpha * acc : Alpha * acc + Beta * View[i];
    }
}
