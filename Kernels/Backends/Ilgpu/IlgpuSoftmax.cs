using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Log-softmax along the middle dimension of a contiguous tensor viewed as [outer, dim, inner]: one
/// thread per (outer, inner) row, so any dimension is handled without a transpose.
/// </summary>
public static class SoftmaxKernels
{
    /// <summary>y = (x - max) - log(sum(exp(x - max))): the max shift keeps exp from overflowing.</summary>
    static void LogSoftmaxForwardKernel(ElementRange r, ArrayView<float> x, ArrayView<float> y, int dim, int inner)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int row = r.Element(t, j);
            if (row < 0) return;
            int outer = row / inner, baseOffset = outer * dim * inner + (row - outer * inner);
            float max = float.NegativeInfinity;
            for (int k = 0; k < dim; k++)
                max = XMath.Max(max, x[baseOffset + k * inner]);
            float sum = 0f;
            for (int k = 0; k < dim; k++)
                sum += XMath.Exp(x[baseOffset + k * inner] - max);
            float logSum = XMath.Log(sum);
            for (int k = 0; k < dim; k++)
                y[baseOffset + k * inner] = x[baseOffset + k * inner] - max - logSum;
        }
    }

    /// <summary>gradIn = gradOut - exp(y)·sum(gradOut) along the row.</summary>
    static void LogSoftmaxBackwardKernel(ElementRange r, ArrayView<float> y, ArrayView<float> gradOut,
        ArrayView<float> gradIn, int dim, int inner)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int row = r.Element(t, j);
            if (row < 0) return;
            int outer = row / inner, baseOffset = outer * dim * inner + (row - outer * inner);
            float sum = 0f;
            for (int k = 0; k < dim; k++)
                sum += gradOut[baseOffset + k * inner];
            for (int k = 0; k < dim; k++)
            {
                int o = baseOffset + k * inner;
                gradIn[o] = gradOut[o] - XMath.Exp(y[o]) * sum;
            }
        }
    }

    /// <summary>Log-softmax of x viewed as [outer, <paramref name="dim"/>, <paramref name="inner"/>] along the middle.</summary>
    public static void LogSoftmaxForward(Device d, ArrayView<float> x, ArrayView<float> y, int dim, int inner)
    {
        var (config, range) = d.Elements(dim == 0 ? 0 : (int)(y.Length / dim));
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, int, int>(LogSoftmaxForwardKernel)(
            config, range, x, y, dim, inner);
    }

    /// <summary>gradIn from the forward output y and gradOut, all viewed as [outer, dim, inner].</summary>
    public static void LogSoftmaxBackward(Device d, ArrayView<float> y, ArrayView<float> gradOut,
        ArrayView<float> gradIn, int dim, int inner)
    {
        var (config, range) = d.Elements(dim == 0 ? 0 : (int)(y.Length / dim));
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(LogSoftmaxBackwardKernel)(
            config, range, y, gradOut, gradIn, dim, inner);
    }
}
