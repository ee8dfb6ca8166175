using System.Runtime.CompilerServices;

namespace QSparse.Kernels;

/// <summary>
/// One thread's 8×8 block of C in registers: rows r0..r3 and Rows/2 + r0..r3 of the tile, each split into
/// columns c0..c3 (<c>Lo</c>) and Columns/2 + c0..c3 (<c>Hi</c>). NOTE: named fields, not an array: ILGPU keeps
/// struct fields in registers, where an indexed array would live in local memory.
/// </summary>
internal struct TileBlock
{
    public Float4 Lo0, Hi0, Lo1, Hi1, Lo2, Hi2, Lo3, Hi3, Lo4, Hi4, Lo5, Hi5, Lo6, Hi6, Lo7, Hi7;

    /// <summary>The outer product of one k: column a (rows, <paramref name="a0"/> then <paramref name="a1"/>) times row b (<paramref name="b0"/>, <paramref name="b1"/>): 64 FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Accumulate(Float4 a0, Float4 a1, Float4 b0, Float4 b1)
    {
        Lo0 = Lo0.MulAdd(a0.X, b0); Hi0 = Hi0.MulAdd(a0.X, b1);
        Lo1 = Lo1.MulAdd(a0.Y, b0); Hi1 = Hi1.MulAdd(a0.Y, b1);
        Lo2 = Lo2.MulAdd(a0.Z, b0); Hi2 = Hi2.MulAdd(a0.Z, b1);
        Lo3 = Lo3.MulAdd(a0.W, b0); Hi3 = Hi3.MulAdd(a0.W, b1);
        Lo4 = Lo4.MulAdd(a1.X, b0); Hi4 = Hi4.MulAdd(a1.X, b1);
        Lo5 = Lo5.MulAdd(a1.Y, b0); Hi5 = Hi5.MulAdd(a1.Y, b1);
        Lo6 = Lo6.MulAdd(a1.Z, b0); Hi6 = Hi6.MulAdd(a1.Z, b1);
        Lo7 = Lo7.MulAdd(a1.W, b0); Hi7 = Hi7.MulAdd(a1.W, b1);
    }
}
