using System.Runtime.Intrinsics.X86;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The "cpu" device's backend on a processor with AVX2 and FMA: the hot ops run as host code (SIMD, all
/// cores) over the host memory behind ILGPU's CPU buffers, computing what the ILGPU kernels compute (bit
/// for bit where the order of operations is the same; the products and convolutions sum in another
/// order). Ops whose kernel is one loop over independent items run that kernel's body on host loops
/// (NativeCpuBackend.Bodies.cs); every op not overridden runs the base backend's ILGPU kernels on the CPU accelerator.
/// Each override reaches the buffers through <see cref="Host"/>, which first waits for those kernels.
/// </summary>
public sealed partial class NativeCpuBackend(Device device) : Backend(device)
{
    /// <summary>True where the native code's instructions exist (AVX2 and FMA); elsewhere "cpu" runs the base backend.</summary>
    public static bool Supported => Avx2.IsSupported && Fma.IsSupported;

    public override string Name => "native-cpu";

    /// <summary>The buffers as host memory, after every kernel already launched has finished.</summary>
    HostMemory Host => HostMemory.After(Device);

    public override unsafe void Gemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        if (s.Batch <= 0 || s.M <= 0 || s.N <= 0)
            return;
        var host = Host;
        NativeGemm.Run((float*)host.Address(a), (float*)host.Address(b), (float*)host.Address(c), s);
    }

    public override void ConvForward(ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias, ArrayView<float> y,
        ConvGeometry g) => NativeConv.Forward(Host, x, w, bias, y, g);

    public override void ConvBackwardData(ArrayView<float> gy, ArrayView<float> w, ArrayView<float>? bias,
        ArrayView<float> x, ConvGeometry g) => NativeConv.BackwardData(Host, gy, w, bias, x, g);

    public override void ConvBackwardWeight(ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gw, ConvGeometry g) =>
        NativeConv.BackwardWeight(Host, x, gy, gw, g);

    public override void Unary<TOp>(ArrayView<float> x, ArrayView<float> y, TOp op) => NativeElementwise.Unary(Host, x, y, op);

    public override void Binary<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, Broadcast map, TOp op) =>
        NativeElementwise.Binary(Host, a, b, y, map, op);

    public override void Compare<TOp>(ArrayView<float> a, ArrayView<float> b, ArrayView<byte> y, Broadcast map, TOp op) =>
        NativeElementwise.Compare(Host, a, b, y, map, op);

    public override void Fill<T>(ArrayView<T> y, T value) => NativeElementwise.Fill(Host, y, value);

    public override void Accumulate(ArrayView<float> x, ArrayView<float> y) => NativeElementwise.Accumulate(Host, x, y);

    public override void StridedCopy<T>(ArrayView<T> x, ArrayView<T> y, int count, Broadcast map) =>
        NativeElementwise.StridedCopy(Host, x, y, count, map);

    public override void Convert<TIn, TOut, TOp>(ArrayView<TIn> x, ArrayView<TOut> y, TOp op) =>
        NativeElementwise.Convert(Host, x, y, op);

    public override void Reduce<TOp>(ArrayView<float> x, ArrayView<float> y, int outputs, Broadcast outMap,
        Broadcast reduceMap, int reduceCount, TOp op) =>
        NativeElementwise.Reduce(Host, x, y, outputs, outMap, reduceMap, reduceCount, op);

    public override void BatchNormStats(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, bool update) =>
        NativeBatchNorm.Stats(Host, x, mean, var, runningMean, runningVar, s, momentum, update);

    public override void BatchNormNormalize(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, double eps, bool training) =>
        NativeBatchNorm.Normalize(Host, x, mean, var, weight, bias, y, s, eps, training);

    public override void BatchNormBackward(ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, bool training) =>
        NativeBatchNorm.Backward(Host, x, gradOut, mean, var, weight, gradWeight, gradBias, gradIn, s, eps, training);

    /// <summary>Non-overlapping windows by the SIMD loops; other shapes by the kernel's body on host loops.</summary>
    public override void MaxPoolForward(ArrayView<float> x, ArrayView<float> y, ArrayView<int> indices, Pool2dShape s)
    {
        if (NativePooling.Handles(s))
            NativePooling.MaxForward(Host, x, y, indices, s);
        else
            NativeBodies.Run(Host, s.OutputCount, new IlgpuPooling.MaxForwardBody(x, y, indices, s), s.KernelH * s.KernelW);
    }

    /// <summary>Non-overlapping windows by the SIMD loops; other shapes by the kernel's body on host loops.</summary>
    public override void MaxPoolBackward(ArrayView<float> gradOut, ArrayView<int> indices, ArrayView<float> gradIn, Pool2dShape s)
    {
        if (NativePooling.Handles(s))
            NativePooling.MaxBackward(Host, gradOut, indices, gradIn, s);
        else
            NativeBodies.Run(Host, (int)gradIn.Length, new IlgpuPooling.MaxBackwardBody(gradOut, indices, gradIn, s));
    }

    public override void QuantizeForward(ArrayView<float> x, ArrayView<float> decimals, ArrayView<float> y,
        ChannelShape shape, QuantizeParams q) => NativeQuantize.Forward(Host, x, decimals, y, shape, q);

    public override void QuantizeBackward(ArrayView<float> gradOut, ArrayView<float> decimals, ArrayView<float> gradIn,
        ChannelShape shape, QuantizeParams q) => NativeQuantize.Backward(Host, gradOut, decimals, gradIn, shape, q);

    /// <summary>The same counters as the kernel, so the same masks.</summary>
    public override unsafe void Bernoulli(ArrayView<float> y, ulong seed, ulong offset, float keep, float scale)
    {
        nint py = Host.Address(y);
        NativeLoops.For((int)y.Length, (begin, end) =>
        {
            float* ys = (float*)py;
            for (int i = begin; i < end; i++)
                ys[i] = CounterRandom.Bernoulli(seed, offset + (ulong)i, keep, scale);
        });
    }

    public override void Adadelta(ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p) =>
        NativeOptimizers.Adadelta(Host, param, grad, step, squareAvg, accDelta, p);
}
