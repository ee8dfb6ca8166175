using ILGPU;

namespace QSparse.Kernels;

/// <summary>Max pooling that saves the argmax, and its deterministic backward.</summary>
public static class PoolingKernels
{
    /// <summary>y and indices [Planes, OutH, OutW] from x [Planes, H, W]; indices hold h·W + w of each window's first maximum.</summary>
    public static void MaxForward(Device d, ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, Pool2dShape s) =>
        d.Backend.MaxPoolForward(x, y, indices, s);

    /// <summary>gradIn [Planes, H, W] from gradOut and the forward's indices [Planes, OutH, OutW].</summary>
    public static void MaxBackward(Device d, ArrayView<float> gradOut, ArrayView<int> indices, ArrayView<float> gradIn,
        Pool2dShape s) => d.Backend.MaxPoolBackward(gradOut, indices, gradIn, s);
}
