using ILGPU;

namespace QSparse.Kernels;

// The optimizer steps added after the seed's three (SGD, Adam, Adadelta in Backend.cs).
public partial class Backend
{
    public virtual void AdamW(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step, ArrayView<float> expAvg,
        ArrayView<float> expAvgSq, AdamWParams p) => IlgpuOptimizer.AdamW(Device, param, grad, step, expAvg, expAvgSq, p);

    public virtual void Rmsprop(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step, ArrayView<float> squareAvg,
        ArrayView<float> momentumBuffer, ArrayView<float> gradAvg, RmspropParams p) =>
        IlgpuOptimizer.Rmsprop(Device, param, grad, step, squareAvg, momentumBuffer, gradAvg, p);
}
