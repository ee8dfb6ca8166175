using ILGPU;

namespace QSparse.Kernels;

/// <summary>Interpolation (nearest, bilinear) and padding of [Planes, H, W], and their deterministic backward passes.</summary>
public static class ResampleKernels
{
    /// <summary>y [Planes, Rows.Out, Cols.Out] interpolated from x [Planes, Rows.In, Cols.In].</summary>
    public static void InterpolateForward(Device d, ArrayView<float> x, ArrayView<float> y, Resample2dShape s) =>
        d.Backend.InterpolateForward(x, y, s);

    /// <summary>gradIn [Planes, Rows.In, Cols.In] from gradOut [Planes, Rows.Out, Cols.Out].</summary>
    public static void InterpolateBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Resample2dShape s) =>
        d.Backend.InterpolateBackward(gradOut, gradIn, s);

    /// <summary>y [Planes, Rows.Out, Cols.Out]: x [Planes, Rows.In, Cols.In] with its border.</summary>
    public static void PadForward(Device d, ArrayView<float> x, ArrayView<float> y, Pad2dShape s) => d.Backend.PadForward(x, y, s);

    /// <summary>gradIn [Planes, Rows.In, Cols.In] from gradOut [Planes, Rows.Out, Cols.Out].</summary>
    public static void PadBackward(Device d, ArrayView<float> gradOut, ArrayView<float> gradIn, Pad2dShape s) =>
        d.Backend.PadBackward(gradOut, gradIn, s);
}
