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
    /// The GPU kernel alone, whatever the device: 256-thread tiles of C with split-K for tall-skinny products.
    /// It needs groups of 256 threads (a GPU or the simulated GPU); on the simulated GPU it is very slow, keep
    /// such shapes small.
    /// </summary>
    /// <exception cref="NotSupportedException">The accelerator's groups hold fewer than 256 threads.</exception>
    public static void GemmTiled(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s) =>
        IlgpuGemm.GemmTiled(d, a, b, c, s);
}
