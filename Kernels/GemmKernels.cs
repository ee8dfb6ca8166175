using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>Matrix products for matmul, Linear and the convolutions (via im2col).</summary>
public static class GemmKernels
{
    /// <summary>Reference kernel: one output element per item.</summary>
    static void NaiveKernel(ElementRange r, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            int n = i % s.N, rest = i / s.N, m = rest % s.M, batch = rest / s.M;
            int ia = batch * s.ABatch + m * s.AM, ib = batch * s.BBatch + n * s.BN;
            float acc = 0f;
            for (int k = 0; k < s.K; k++)
                acc += a[ia + k * s.AK] * b[ib + k * s.BK];
            int ic = batch * s.CBatch + m * s.CM + n * s.CN;
            c[ic] = s.Beta == 0f ? s.Alpha * acc : s.Alpha * acc + s.Beta * c[ic];
        }
    }

    /// <summary>C = Alpha·A·B + Beta·C for the shapes and strides in <paramref name="s"/>.</summary>
    public static void Gemm(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        var (config, range) = d.Elements(s.Batch * s.M * s.N);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(NaiveKernel)(
            config, range, a, b, c, s);
    }
}
