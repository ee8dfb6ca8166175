using ILGPU;

namespace QSparse.Kernels;

public partial class Backend
{
    // Resampling and padding.
    public virtual void InterpolateForward(ArrayView<float> x, ArrayView<float> y, Resample2dShape s) =>
        IlgpuResample.InterpolateForward(Device, x, y, s);

    public virtual void InterpolateBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Resample2dShape s) =>
        IlgpuResample.InterpolateBackward(Device, gradOut, gradIn, s);

    public virtual void PadForward(ArrayView<float> x, ArrayView<float> y, Pad2dShape s) => IlgpuResample.PadForward(Device, x, y, s);

    public virtual void PadBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Pad2dShape s) =>
        IlgpuResample.PadBackward(Device, gradOut, gradIn, s);
}
