using ILGPU;

namespace QSparse.Kernels;

// Average and adaptive average pooling (max pooling is with the other layers in Backend.cs).
public partial class Backend
{
    public virtual void AvgPoolForward(ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        IlgpuAvgPooling.AvgForward(Device, x, y, s);

    public virtual void AvgPoolBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) =>
        IlgpuAvgPooling.AvgBackward(Device, gradOut, gradIn, s);

    public virtual void AdaptiveAvgPoolForward(ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        IlgpuAvgPooling.AdaptiveForward(Device, x, y, s);

    public virtual void AdaptiveAvgPoolBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) =>
        IlgpuAvgPooling.AdaptiveBackward(Device, gradOut, gradIn, s);
}
