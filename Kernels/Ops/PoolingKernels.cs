using ILGPU;

namespace QSparse.Kernels;

/// <summary>Max pooling that saves the argmax, average and adaptive average pooling, and their deterministic backwards.</summary>
public static class PoolingKernels
{
    /// <summary>y and indices [Planes, OutH, OutW] from x [Planes, H, W]; indices hold h·W + w of each window's first maximum.</summary>
    public static void MaxForward(Device d, ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, Pool2dShape s) =>
        d.Backend.MaxPoolForward(x, y, indices, s);

    /// <summary>gradIn [Planes, H, W] from gradOut and the forward's indices [Planes, OutH, OutW].</summary>
    public static void MaxBackward(Device d, ArrayView<float> gradOut, ArrayView<int> indices, ArrayView<float> gradIn,
        Pool2dShape s) => d.Backend.MaxPoolBackward(gradOut, indices, gradIn, s);

    /// <summary>y [Planes, OutH, OutW]: each window's mean, divided as <see cref="Pool2dShape.AvgDivisor"/> says.</summary>
    public static void AvgForward(Device d, ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        d.Backend.AvgPoolForward(x, y, s);

    /// <summary>gradIn [Planes, H, W] from gradOut [Planes, OutH, OutW].</summary>
    public static void AvgBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) =>
        d.Backend.AvgPoolBackward(gradOut, gradIn, s);

    /// <summary>y [Planes, OutH, OutW]: the mean of each adaptive window (<see cref="Pool2dShape.AdaptiveStart"/>).</summary>
    public static void AdaptiveAvgForward(Device d, ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        d.Backend.AdaptiveAvgPoolForward(x, y, s);

    /// <summary>gradIn [Planes, H, W] from gradOut [Planes, OutH, OutW].</summary>
    public static void AdaptiveAvgBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) =>
        d.Backend.AdaptiveAvgPoolBackward(gradOut, gradIn, s);
}
