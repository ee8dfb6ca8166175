using ILGPU;

namespace QSparse.Kernels;

// The ops whose native form is their ILGPU kernel's element body on host loops (NativeBodies): SGD and
// RMSprop (Adam and AdamW have SIMD loops), average pooling, overlapping max pooling, log-softmax and NLL, resampling and padding,
// where, arange, row gathers, arg-max, the quantizer's channel gather, uniform and normal draws, the
// batch counter. Each passes the same item count as the kernel's launch.
public sealed partial class NativeCpuBackend
{
    public override void Sgd(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> momentumBuffer, SgdParams p) =>
        NativeBodies.Run(Host, (int)param.Length, new IlgpuOptimizer.SgdBody(param, grad, momentumBuffer, p));

    public override void Adam(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step, ArrayView<float> expAvg,
        ArrayView<float> expAvgSq, AdamParams p) => NativeOptimizers.Adam(Host, param, grad, step, expAvg, expAvgSq, p, decay: null);

    public override void AdamW(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step, ArrayView<float> expAvg,
        ArrayView<float> expAvgSq, AdamWParams p) => NativeOptimizers.Adam(Host, param, grad, step, expAvg, expAvgSq, p.Adam, p.Decay);

    public override void Rmsprop(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step, ArrayView<float> squareAvg,
        ArrayView<float> momentumBuffer, ArrayView<float> gradAvg, RmspropParams p) =>
        NativeBodies.Run(Host, (int)param.Length, new IlgpuOptimizer.RmspropBody(param, grad, step, squareAvg, momentumBuffer, gradAvg, p));

    public override void AvgPoolForward(ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        NativeBodies.Run(Host, s.OutputCount, new IlgpuAvgPooling.AvgForwardBody(x, y, s), s.KernelH * s.KernelW);

    public override void AvgPoolBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s) =>
        NativeBodies.Run(Host, (int)gradIn.Length, new IlgpuAvgPooling.AvgBackwardBody(gradOut, gradIn, s));

    public override void AdaptiveAvgPoolForward(ArrayView<float> x, ArrayView<float> y, Pool2dShape s) =>
        NativeBodies.Run(Host, s.OutputCount, new IlgpuAvgPooling.AdaptiveForwardBody(x, y, s), x.Length / Math.Max(1, s.OutputCount));

    /// <summary>The global pool (1×1 output: ResNet's and MobileNet's head) by planes; other sizes by the kernel's body.</summary>
    public override void AdaptiveAvgPoolBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Pool2dShape s)
    {
        if (s.OutH == 1 && s.OutW == 1)
            NativePooling.GlobalAverageBackward(Host, gradOut, gradIn, s);
        else
            NativeBodies.Run(Host, (int)gradIn.Length, new IlgpuAvgPooling.AdaptiveBackwardBody(gradOut, gradIn, s));
    }

    public override void InterpolateForward(ArrayView<float> x, ArrayView<float> y, Resample2dShape s)
    {
        if (s.Mode == InterpolateMode.Nearest)
            NativeBodies.Run(Host, s.OutputCount, new IlgpuResample.NearestForwardBody(x, y, s));
        else
            NativeBodies.Run(Host, s.OutputCount, new IlgpuResample.BilinearForwardBody(x, y, s));
    }

    public override void InterpolateBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Resample2dShape s) =>
        NativeBodies.Run(Host, s.InputCount, new IlgpuResample.InterpolateBackwardBody(gradOut, gradIn, s));

    public override void PadForward(ArrayView<float> x, ArrayView<float> y, Pad2dShape s) =>
        NativeBodies.Run(Host, s.OutputCount, new IlgpuResample.PadForwardBody(x, y, s));

    public override void PadBackward(ArrayView<float> gradOut, ArrayView<float> gradIn, Pad2dShape s) =>
        NativeBodies.Run(Host, s.InputCount, new IlgpuResample.PadBackwardBody(gradOut, gradIn, s));

    public override void LogSoftmaxForward(ArrayView<float> x, ArrayView<float> y, int dim, int inner) =>
        NativeBodies.Run(Host, SoftmaxRows(y, dim), new IlgpuSoftmax.ForwardBody(x, y, dim, inner), dim);

    public override void LogSoftmaxBackward(ArrayView<float> y, ArrayView<float> gradOut, ArrayView<float> gradIn, int dim, int inner) =>
        NativeBodies.Run(Host, SoftmaxRows(y, dim), new IlgpuSoftmax.BackwardBody(y, gradOut, gradIn, dim, inner), dim);

    /// <summary>The kernel's rows: one per softmax, none for an empty dimension.</summary>
    static int SoftmaxRows(ArrayView<float> y, int dim) => dim == 0 ? 0 : (int)(y.Length / dim);

    public override void NllForward(ArrayView<float> logProbs, ArrayView<long> target, ArrayView<float> loss,
        ArrayView<float> count, ArrayView<long> firstBad, int classes, int ignoreIndex, bool mean) =>
        NativeBodies.Run(Host, 1, new IlgpuLoss.ForwardBody(logProbs, target, loss, count, firstBad, classes, ignoreIndex, mean ? 1 : 0));

    public override void NllBackward(ArrayView<long> target, ArrayView<float> gradOut, ArrayView<float> count,
        ArrayView<float> gradIn, int classes, int ignoreIndex, bool mean) =>
        NativeBodies.Run(Host, (int)gradIn.Length, new IlgpuLoss.BackwardBody(target, gradOut, count, gradIn, classes, ignoreIndex, mean ? 1 : 0));

    public override void Where(ArrayView<byte> mask, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast map) =>
        NativeBodies.Run(Host, (int)y.Length, new IlgpuElementwise.WhereBody(mask, a, b, y, map));

    public override void Arange(ArrayView<float> y, float start, float step) =>
        NativeBodies.Run(Host, (int)y.Length, new IlgpuElementwise.ArangeBody(y, start, step));

    public override void GatherRows<T>(ArrayView<T> x, ArrayView<int> index, ArrayView<T> y, int rowSize) =>
        NativeBodies.Run(Host, (int)y.Length, new IlgpuGather.GatherRowsBody<T>(x, index, y, rowSize));

    public override void ArgMax(ArrayView<float> x, ArrayView<long> y, int reduce, int inner) =>
        NativeBodies.Run(Host, (int)y.Length, new IlgpuReduction.ArgMaxBody(x, y, reduce, inner), reduce);

    public override void GatherChannels(ArrayView<float> x, ArrayView<float> y, ChannelShape shape, int rowLength, int offset) =>
        NativeBodies.Run(Host, (int)x.Length, new IlgpuQuantize.GatherBody(x, y, shape, rowLength, offset));

    public override void Uniform(ArrayView<float> y, ulong seed, ulong offset, float low, float high) =>
        NativeBodies.Run(Host, (int)y.Length, new IlgpuRandom.UniformBody(y, seed, offset, low, high));

    public override void Normal(ArrayView<float> y, ulong seed, ulong offset, float mean, float std) =>
        NativeBodies.Run(Host, (int)y.Length, new IlgpuRandom.NormalBody(y, seed, offset, mean, std));

    public override void Increment(ArrayView<long> counter) => NativeBodies.Run(Host, 1, new IlgpuBatchNorm.IncrementBody(counter));
}
