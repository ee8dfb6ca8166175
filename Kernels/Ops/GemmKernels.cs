using ILGPU;

namespace QSparse.Kernels;

/// <summary>The one matrix product, behind matmul, Linear and the base convolutions.</summary>
public static class GemmKernels
{
    /// <summary>C = Alpha·A·B + Beta·C for the shapes and strides in <paramref name="s"/>.</summary>
    /// <remarks>A[b] is M×K, B[b] is K×N and C[b] is M×N, each addressed through its strides in
    /// <paramref name="s"/>; with Beta = 0 C is only written, never read.</remarks>
    public static void Gemm(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s) =>
        d.Backend.Gemm(a, b, c, s);

    /// <summary>
    /// The GPU kernel alone: shared-memory tiles with a 4×4 register block per thread. It runs on any
    /// accelerator (the group shape shrinks to what the accelerator allows), so tests can check it on
    /// the CPU accelerator; there it is very slow, keep such shapes small.
    /// </summary>
    public static void GemmTiled(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s) =>
        IlgpuGemm.GemmTiled(d, a, b, c, s);
}
