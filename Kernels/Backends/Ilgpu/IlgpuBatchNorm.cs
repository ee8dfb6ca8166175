using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Batch normalisation: per-channel statistics (one thread per channel, a fixed summation order), the
/// element-wise affine normalisation (in PyTorch's order: y = x·alpha + beta), and the two backward passes.
/// NOTE: per-channel sums are accumulated in double, as PyTorch's CPU kernels do for float inputs.
/// </summary>
static class IlgpuBatchNorm
{
    /// <summary>
    /// Batch mean and BIASED variance per channel; when <paramref name="update"/> is 1 also
    /// running = (1 - momentum)·running + momentum·stat, in place.
    /// </summary>
    internal readonly struct StatsBody(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, int update)
        : IElementBody
    {
        public void Run(int c)
        {
            int m = s.PerChannel;
            double sum = 0;
            for (int k = 0; k < m; k++)
                sum += x[s.Offset(c, k)];
            double mu = sum / m;
            float meanF = (float)mu;
            // As PyTorch: deviations from the float mean squared in float, summed in double, the sum rounded to
            // float and divided in float (batch_norm_cpu_collect_stats_contiguous_impl, then the update of the stats).
            double squares = 0;
            for (int k = 0; k < m; k++)
            {
                float dev = x[s.Offset(c, k)] - meanF;
                squares += dev * dev;
            }
            float squaresF = (float)squares;
            mean[c] = meanF;
            var[c] = squaresF / m;
            if (update != 0)
            {
                // NOTE: normalisation uses the biased variance, the running estimate the UNBIASED one (n - 1).
                runningMean[c] = momentum * meanF + (1f - momentum) * runningMean[c];
                runningVar[c] = momentum * (squaresF / (m - 1)) + (1f - momentum) * runningVar[c];
            }
        }
    }

    /// <summary>
    /// PyTorch's per-channel linear and constant terms (batch_norm_cpu_collect_linear_and_constant_terms):
    /// alpha = invstd·w with invstd = 1/sqrt(var + eps), in float in evaluation (from the running variance)
    /// and rounded once from double in training (as PyTorch's save_invstd).
    /// </summary>
    internal static float Alpha(float var, float weight, double eps, int training) =>
        (training != 0 ? (float)(1.0 / XMath.Sqrt(var + eps)) : 1f / XMath.Sqrt(var + (float)eps)) * weight;

    /// <summary>
    /// beta = bias - mean·alpha. NOTE: fused, like y = x·alpha + beta: PyTorch's AVX2 kernels are built with
    /// FMA contraction, and the golden outputs match only the fused forms.
    /// </summary>
    internal static float Beta(float mean, float alpha, float bias) => Fma(-mean, alpha, bias);

    /// <summary>
    /// a·b + c rounded once, as MathF.FusedMultiplyAdd: the float product is exact in double, so only the sum rounds
    /// (to double, then to float: the two roundings can differ from one only at a float halfway point).
    /// NOTE: not MathF.FusedMultiplyAdd itself: ILGPU's PTX backend has no intrinsic for it and emits a call to an
    /// extern function that ptxas cannot resolve (PtxCompileTests assembles every kernel to catch this).
    /// </summary>
    static float Fma(float a, float b, float c) => (float)((double)a * b + c);

    /// <summary>y = x·alpha + beta per channel, in PyTorch's order (see <see cref="Alpha"/>, <see cref="Beta"/>).</summary>
    internal readonly struct NormalizeBody(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, double eps, int training)
        : IElementBody
    {
        public void Run(int i)
        {
            int c = s.ChannelOf(i);
            float alpha = Alpha(var[c], weight[c], eps, training);
            y[i] = Fma(x[i], alpha, Beta(mean[c], alpha, bias[c]));
        }
    }

    /// <summary>Per channel: sum(gradOut) (the bias gradient) and sum(gradOut·x̂) (the weight gradient).</summary>
    internal readonly struct ChannelGradBody(ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> gradWeight, ArrayView<float> gradBias, ChannelShape s, float eps)
        : IElementBody
    {
        public void Run(int c)
        {
            float mu = mean[c];
            double sumG = 0, sumGx = 0;
            for (int k = 0; k < s.PerChannel; k++)
            {
                int o = s.Offset(c, k);
                sumG += gradOut[o];
                sumGx += (double)gradOut[o] * (x[o] - mu);
            }
            gradBias[c] = (float)sumG;
            gradWeight[c] = (float)(sumGx / XMath.Sqrt(var[c] + (double)eps));
        }
    }

    /// <summary>
    /// gradIn = weight·invstd·(gradOut - centre·(mean(gradOut) + x̂·mean(gradOut·x̂))). centre is 1 in
    /// training (the statistics depend on x) and 0 in evaluation (a plain affine map).
    /// </summary>
    internal readonly struct InputGradBody(ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, float centre) : IElementBody
    {
        public void Run(int i)
        {
            int c = s.ChannelOf(i);
            float invStd = 1f / XMath.Sqrt(var[c] + eps);
            float xHat = (x[i] - mean[c]) * invStd;
            float m = s.PerChannel;
            float shift = centre * (gradBias[c] / m + xHat * gradWeight[c] / m);
            gradIn[i] = weight[c] * invStd * (gradOut[i] - shift);
        }
    }

    internal readonly struct IncrementBody(ArrayView<long> counter) : IElementBody
    {
        public void Run(int i) => counter[0] += 1;
    }

    /// <summary>
    /// Batch statistics of x (<paramref name="s"/>) into mean and var ([C]); updates the running
    /// statistics in place when <paramref name="update"/> (they are ignored otherwise).
    /// </summary>
    public static void Stats(Device d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, bool update) =>
        d.ForEach(s.Channels, new StatsBody(x, mean, var, runningMean, runningVar, s, momentum, update ? 1 : 0));

    /// <summary>y = x·alpha + beta per channel (PyTorch's order), with x and y of shape <paramref name="s"/> and the rest [C].</summary>
    public static void Normalize(Device d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, double eps, bool training) =>
        d.ForEach((int)y.Length, new NormalizeBody(x, mean, var, weight, bias, y, s, eps, training ? 1 : 0));

    /// <summary>The weight and bias gradients ([C]), then the input gradient from them.</summary>
    public static void Backward(Device d, ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, bool training)
    {
        d.ForEach(s.Channels, new ChannelGradBody(x, gradOut, mean, var, gradWeight, gradBias, s, eps));
        d.ForEach((int)gradIn.Length,
            new InputGradBody(x, gradOut, mean, var, weight, gradWeight, gradBias, gradIn, s, eps, training ? 1f : 0f));
    }

    /// <summary>counter[0] += 1 on the device (num_batches_tracked).</summary>
    public static void Increment(Device d, ArrayView<long> counter) =>
        d.ForEach(1, new IncrementBody(counter));
}
