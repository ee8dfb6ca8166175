using ILGPU;

namespace QSparse.Kernels;

/// <summary>Log-softmax along the middle dimension of a contiguous tensor viewed as [outer, dim, inner].</summary>
public static class SoftmaxKernels
{
    /// <summary>y = (x - max) - log(sum(exp(x - max))) along the middle dimension.</summary>
    public static void LogSoftmaxForward(Device d, ArrayView<float> x, ArrayView<float> y, int dim, int inner) =>
        d.Backend.LogSoftmaxForward(x, y, dim, inner);

    /// <summary>gradIn = gradOut - exp(y)·sum(gradOut) along the row, from the forward output y.</summary>
    public static void LogSoftmaxBackward(Device d, ArrayView<float> y, ArrayView<float> gradOut,
        ArrayView<float> gradIn, int dim, int inner) => d.Backend.LogSoftmaxBackward(y, gradOut, gradIn, dim, inner);
}
