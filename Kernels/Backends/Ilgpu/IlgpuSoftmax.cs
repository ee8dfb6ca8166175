using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Log-softmax along the middle dimension of a contiguous tensor viewed as [outer, dim, inner]: one
/// thread per (outer, inner) row, so any dimension is handled without a transpose.
/// </summary>
static class IlgpuSoftmax
{
    /// <summary>y = (x - max) - log(sum(exp(x - max))): the max shift keeps exp from overflowing.</summary>
    internal readonly struct ForwardBody(ArrayView<float> x, ArrayView<float> y, int dim, int inner) : IElementBody
    {
        public void Run(int row)
        {
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
    internal readonly struct BackwardBody(ArrayView<float> y, ArrayView<float> gradOut, ArrayView<float> gradIn, int dim, int inner)
        : IElementBody
    {
        public void Run(int row)
        {
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

    public static void LogSoftmaxForward(Device d, ArrayView<float> x, ArrayView<float> y, int dim, int inner) =>
        d.ForEach(Rows(y, dim), new ForwardBody(x, y, dim, inner));

    public static void LogSoftmaxBackward(Device d, ArrayView<float> y, ArrayView<float> gradOut,
        ArrayView<float> gradIn, int dim, int inner) =>
        d.ForEach(Rows(y, dim), new BackwardBody(y, gradOut, gradIn, dim, inner));

    static int Rows(ArrayView<float> y, int dim) => dim == 0 ? 0 : (int)(y.Length / dim);
}
