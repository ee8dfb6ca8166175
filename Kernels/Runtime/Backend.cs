using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// What runs each op family on one device, chosen once by <see cref="Device.Open"/> and exposed as
/// <see cref="Device.Backend"/>. This base class is the definition: every member launches the ILGPU
/// kernels of <c>Backends/Ilgpu</c>, which run on every accelerator (CUDA, OpenCL, the CPU accelerator).
/// A faster backend derives from it and overrides only the ops it makes faster; every op it does not
/// override runs these kernels (the native CPU backend, for example; a vendor library would override
/// <see cref="Gemm"/> and the three convolution passes). Arguments are views and parameter structs,
/// with the shapes in the docs of the entry points (<c>GemmKernels</c>, <c>ConvKernels</c>, ...).
/// </summary>
public partial class Backend
{
    /// <summary>The ILGPU kernels on <paramref name="device"/>.</summary>
    public Backend(Device device) => Device = device;

    public Device Device { get; }

    /// <summary>What runs the ops, for logs and benchmarks.</summary>
    public virtual string Name => "ilgpu";

    public override string ToString() => Name;

    // Matrix products and convolutions.
    // NOTE: the base GEMM picks its kernel by accelerator type (a launch-shape detail): a barrier-free
    // register-tiled kernel on the CPU accelerator; on GPUs compile-time 128×128 or 64×256 shared-memory tiles, split
    // over K when the tiles alone cannot fill the multiprocessors.
    public virtual void Gemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s) =>
        IlgpuGemm.Gemm(Device, a, b, c, s);

    public virtual void ConvForward(ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> y,
        ConvGeometry g) => IlgpuConv.Forward(Device, x, w, bias, y, g);

    public virtual void ConvBackwardData(ArrayView<float> gy, ArrayView<float> w, ArrayView<float>? bias,
        ArrayView<float> x, ConvGeometry g) => IlgpuConv.BackwardData(Device, gy, w, bias, x, g);

    public virtual void ConvBackwardWeight(ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gw, ConvGeometry g) =>
        IlgpuConv.BackwardWeight(Device, x, gy, gw, g);

    public virtual void Im2Col(ArrayView<float> x, ArrayView<float> col, ConvGeometry g) => IlgpuConv.Im2Col(Device, x, col, g);

    public virtual void Col2Im(ArrayView<float> col, ArrayView<float> x, ConvGeometry g, bool accumulate) =>
        IlgpuConv.Col2Im(Device, col, x, g, accumulate);

    // Element-wise families, copies and conversions.
    public virtual void Unary<TOp>(ArrayView<float> x, ArrayView<float> y, TOp op) where TOp : struct, IUnaryOp =>
        IlgpuElementwise.Unary(Device, x, y, op);

    public virtual void Binary<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast map, TOp op)
        where TOp : struct, IBinaryOp => IlgpuElementwise.Binary(Device, a, b, y, map, op);

    public virtual void Compare<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y, Broadcast map, TOp op)
        where TOp : struct, IBinaryOp => IlgpuElementwise.Compare(Device, a, b, y, map, op);

    public virtual void Where(ArrayView<byte> mask, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y,
        Broadcast map) => IlgpuElementwise.Where(Device, mask, a, b, y, map);

    public virtual void Fill<T>(ArrayView<T> y, T value) where T : unmanaged => IlgpuCopy.Fill(Device, y, value);

    public virtual void Arange(ArrayView<float> y, float start, float step) => IlgpuElementwise.Arange(Device, y, start, step);

    public virtual void Accumulate(ArrayView<float> x, ArrayView<float> y) => IlgpuElementwise.Accumulate(Device, x, y);

    public virtual void StridedCopy<T>(ArrayView<T> x, ArrayView<T> y, int count, Broadcast map) where T : unmanaged =>
        IlgpuCopy.StridedCopy(Device, x, y, count, map);

    public virtual void Convert<TIn, TOut, TOp>(ArrayView<TIn> x, ArrayView<TOut> y, TOp op)
        where TIn : unmanaged where TOut : unmanaged where TOp : struct, IConvertOp<TIn, TOut> =>
        IlgpuCopy.Convert(Device, x, y, op);

    public virtual void GatherRows<T>(ArrayView<T> x, ArrayView<int> index, ArrayView<T> y, int rowSize) where T : unmanaged =>
        IlgpuGather.GatherRows(Device, x, index, y, rowSize);

    // Reductions, selection and statistics.
    /// <summary>y[o] = op over k &lt; reduceCount of x[outMap(o) + reduceMap(k)], for o &lt; outputs.</summary>
    public virtual void Reduce<TOp>(ArrayView<float> x, ArrayView<float> y, int outputs, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, TOp op) where TOp : struct, IReduceOp =>
        IlgpuReduction.Reduce(Device, x, y, outputs, outMap, reduceMap, reduceCount, op);

    public virtual void ArgMax(ArrayView<float> x, ArrayView<long> y, int reduce, int inner) =>
        IlgpuReduction.ArgMax(Device, x, y, reduce, inner);

    public virtual void Select<TKeys>(TKeys keys, int segments, int length, ArrayView<int> ranks, ArrayView<uint> selected)
        where TKeys : struct, ISelectKeys => IlgpuSelection.Select(Device, keys, segments, length, ranks, selected);

    public virtual void Interpolate(ArrayView<uint> selected, ArrayView<int> plan, ArrayView<float> weights,
        ArrayView<float> output, int segments, int ranks, int nanCheck) =>
        IlgpuSelection.Interpolate(Device, selected, plan, weights, output, segments, ranks, nanCheck);

    // Layers: batch norm, pooling, softmax, loss.
    public virtual void BatchNormStats(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, bool update) =>
        IlgpuBatchNorm.Stats(Device, x, mean, var, runningMean, runningVar, s, momentum, update);

    public virtual void BatchNormNormalize(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, double eps, bool training) =>
        IlgpuBatchNorm.Normalize(Device, x, mean, var, weight, bias, y, s, eps, training);

    public virtual void BatchNormBackward(ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, bool training) =>
        IlgpuBatchNorm.Backward(Device, x, gradOut, mean, var, weight, gradWeight, gradBias, gradIn, s, eps, training);

    /// <summary>counter[0] += 1 on the device (num_batches_tracked).</summary>
    public virtual void Increment(ArrayView<long> counter) => IlgpuBatchNorm.Increment(Device, counter);

    public virtual void MaxPoolForward(ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, Pool2dShape s) =>
        IlgpuPooling.MaxForward(Device, x, y, indices, s);

    public virtual void MaxPoolBackward(ArrayView<float> gradOut, ArrayView<int> indices, ArrayView<float> gradIn,
        Pool2dShape s) => IlgpuPooling.MaxBackward(Device, gradOut, indices, gradIn, s);

    public virtual void LogSoftmaxForward(ArrayView<float> x, ArrayView<float> y, int dim, int inner) =>
        IlgpuSoftmax.LogSoftmaxForward(Device, x, y, dim, inner);

    public virtual void LogSoftmaxBackward(ArrayView<float> y, ArrayView<float> gradOut, ArrayView<float> gradIn,
        int dim, int inner) => IlgpuSoftmax.LogSoftmaxBackward(Device, y, gradOut, gradIn, dim, inner);

    public virtual void NllForward(ArrayView<float> logProbs, ArrayView<long> target, ArrayView<float> loss,
        ArrayView<float> count, ArrayView<long> firstBad, int classes, int ignoreIndex, bool mean) =>
        IlgpuLoss.NllForward(Device, logProbs, target, loss, count, firstBad, classes, ignoreIndex, mean);

    public virtual void NllBackward(ArrayView<long> target, ArrayView<float> gradOut, ArrayView<float> count,
        ArrayView<float> gradIn, int classes, int ignoreIndex, bool mean) =>
        IlgpuLoss.NllBackward(Device, target, gradOut, count, gradIn, classes, ignoreIndex, mean);

    // QSPARSE: the quantizer, its decimal-bit search, pruning masks.
    public virtual void QuantizeForward(ArrayView<float> x, ArrayView<float> decimals, ArrayView<float> y,
        ChannelShape shape, QuantizeParams q) => IlgpuQuantize.Forward(Device, x, decimals, y, shape, q);

    public virtual void QuantizeBackward(ArrayView<float> gradOut, ArrayView<float> decimals, ArrayView<float> gradIn,
        ChannelShape shape, QuantizeParams q) => IlgpuQuantize.Backward(Device, gradOut, decimals, gradIn, shape, q);

    public virtual void GatherChannels(ArrayView<float> x, ArrayView<float> y, ChannelShape shape, int rowLength, int offset) =>
        IlgpuQuantize.GatherChannels(Device, x, y, shape, rowLength, offset);

    public virtual void SearchDecimal(ArrayView<float> x, int segments, int length, ArrayView<float>? bounds, int lo, int hi,
        QuantizeParams q, ArrayView<float> decimals) =>
        IlgpuQuantize.SearchDecimal(Device, x, segments, length, bounds, lo, hi, q, decimals);

    public virtual void CountOff(ArrayView<byte> mask, ArrayView<int> count) => IlgpuMask.CountOff(Device, mask, count);

    public virtual void SwitchOffRandom(ArrayView<byte> mask, int count, uint salt1, uint salt2) =>
        IlgpuMask.SwitchOffRandom(Device, mask, count, salt1, salt2);

    public virtual void TileMask(ArrayView<byte> mask, ArrayView<byte> y, MaskTiling tiling) =>
        IlgpuMask.Tile(Device, mask, y, tiling);

    // Random numbers (counter-based: the same values on every backend) and optimizer steps.
    public virtual void Uniform(ArrayView<float> y, ulong seed, ulong offset, float low, float high) =>
        IlgpuRandom.Uniform(Device, y, seed, offset, low, high);

    public virtual void Normal(ArrayView<float> y, ulong seed, ulong offset, float mean, float std) =>
        IlgpuRandom.Normal(Device, y, seed, offset, mean, std);

    public virtual void Bernoulli(ArrayView<float> y, ulong seed, ulong offset, float keep, float scale) =>
        IlgpuRandom.Bernoulli(Device, y, seed, offset, keep, scale);

    public virtual void Sgd(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> momentumBuffer, SgdParams p) =>
        IlgpuOptimizer.Sgd(Device, param, grad, momentumBuffer, p);

    public virtual void Adam(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step, ArrayView<float> expAvg,
        ArrayView<float> expAvgSq, AdamParams p) => IlgpuOptimizer.Adam(Device, param, grad, step, expAvg, expAvgSq, p);

    public virtual void Adadelta(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p) =>
        IlgpuOptimizer.Adadelta(Device, param, grad, step, squareAvg, accDelta, p);
}
