using System.Runtime.CompilerServices;

namespace QSparse.Kernels;

/// <summary>
/// Four adjacent floats: the unit of the GEMM tile's vector loads (one 128-bit load from a 16-byte aligned view,
/// which ILGPU's PTX backend emits as <c>ld.v4.f32</c>) and of its register block.
/// </summary>
internal struct Float4(float x, float y, float z, float w)
{
    public float X = x, Y = y, Z = z, W = w;

    /// <summary>This + s·b, component-wise (ptxas contracts each multiply-add into one FFMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Float4 MulAdd(float s, Float4 b) => new(X + s * b.X, Y + s * b.Y, Z + s * b.Z, W + s * b.W);
}
