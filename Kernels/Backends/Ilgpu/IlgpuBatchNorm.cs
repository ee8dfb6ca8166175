using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Batch normalisation: per-channel statistics, the element-wise affine normalisation (in PyTorch's order:
/// y = x·alpha + beta), and the two backward passes. The per-channel sums run one thread per channel on CPU
/// launch shapes and as <see cref="IlgpuChannelSums"/> (a group per channel and split) on GPUs; both in a fixed order.
/// NOTE: per-channel sums are accumulated in double, as PyTorch's CPU kernels do for float inputs.
/// </summary>
static class IlgpuBatchNorm
{
    /// <summary>
    /// Where the statistics go: mean and BIASED variance [C]; when Update is 1 also
    /// running = (1 - momentum)·running + momentum·stat, in place.
    /// </summary>
    internal readonly record struct StatsOutputs(ArrayView<float> Mean, ArrayView<float> Var,
        ArrayView<float> RunningMean, ArrayView<float> RunningVar, float Momentum, int Update)
    {
        /// <summary>Channel c's statistics over m elements from its float mean and its double sum of squared deviations.</summary>
        public void Store(int c, int m, float meanF, double squares)
        {
            float squaresF = (float)squares;
            Mean[c] = meanF;
            Var[c] = squaresF / m;
            if (Update != 0)
            {
                // NOTE: normalisation uses the biased variance, the running estimate the UNBIASED one (n - 1).
                RunningMean[c] = Momentum * meanF + (1f - Momentum) * RunningMean[c];
                RunningVar[c] = Momentum * (squaresF / (m - 1)) + (1f - Momentum) * RunningVar[c];
            }
        }
    }

    /// <summary>CPU launch shapes: one thread per channel sums its elements in order, twice (mean, then squared deviations).</summary>
    internal readonly struct StatsBody(ArrayView<float> x, StatsOutputs outputs, ChannelShape s) : IElementBody
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
            outputs.Store(c, m, meanF, squares);
        }
    }

    /// <summary>GPU statistics, first pass: x per element.</summary>
    internal readonly struct ValueTerms(ArrayView<float> x) : IChannelTerms
    {
        public void Terms(int c, int offset, out double first, out double second)
        {
            first = x[offset];
            second = 0;
        }
    }

    /// <summary>mean = (float)(sum / m), from the first pass's partials.</summary>
    internal readonly struct MeanBody(ArrayView<double> partials, ArrayView<float> mean, ChannelShape s, int splits) : IElementBody
    {
        public void Run(int c) => mean[c] = (float)(IlgpuChannelSums.Total(partials, c, splits, 0) / s.PerChannel);
    }

    /// <summary>GPU statistics, second pass: the deviation from the float mean squared in float (as <see cref="StatsBody"/>).</summary>
    internal readonly struct SquaredDeviationTerms(ArrayView<float> x, ArrayView<float> mean) : IChannelTerms
    {
        public void Terms(int c, int offset, out double first, out double second)
        {
            float dev = x[offset] - mean[c];
            first = dev * dev;
            second = 0;
        }
    }

    /// <summary>The variance (and running statistics) from the second pass's partials and the mean.</summary>
    internal readonly struct VarianceBody(ArrayView<double> partials, StatsOutputs outputs, ChannelShape s, int splits) : IElementBody
    {
        public void Run(int c) =>
            outputs.Store(c, s.PerChannel, outputs.Mean[c], IlgpuChannelSums.Total(partials, c, splits, 0));
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

    /// <summary>The bias gradient sum(gradOut) and the weight gradient sum(gradOut·(x - mean))/sqrt(var + eps) of channel c.</summary>
    static void StoreChannelGrads(int c, double sumG, double sumGx, ArrayView<float> var, ArrayView<float> gradWeight,
        ArrayView<float> gradBias, float eps)
    {
        gradBias[c] = (float)sumG;
        gradWeight[c] = (float)(sumGx / XMath.Sqrt(var[c] + (double)eps));
    }

    /// <summary>CPU launch shapes, per channel: sum(gradOut) (the bias gradient) and sum(gradOut·x̂) (the weight gradient).</summary>
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
            StoreChannelGrads(c, sumG, sumGx, var, gradWeight, gradBias, eps);
        }
    }

    /// <summary>GPU parameter gradients: gradOut and gradOut·(x - mean) per element, in <see cref="ChannelGradBody"/>'s precision.</summary>
    internal readonly struct GradTerms(ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean) : IChannelTerms
    {
        public void Terms(int c, int offset, out double first, out double second)
        {
            float g = gradOut[offset];
            first = g;
            second = (double)g * (x[offset] - mean[c]);
        }
    }

    /// <summary>The weight and bias gradients from <see cref="GradTerms"/>' partials.</summary>
    internal readonly struct ChannelGradSumsBody(ArrayView<double> partials, ArrayView<float> var, ArrayView<float> gradWeight,
        ArrayView<float> gradBias, int splits, float eps) : IElementBody
    {
        public void Run(int c) => StoreChannelGrads(c, IlgpuChannelSums.Total(partials, c, splits, 0),
            IlgpuChannelSums.Total(partials, c, splits, 1), var, gradWeight, gradBias, eps);
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
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, bool update)
    {
        var outputs = new StatsOutputs(mean, var, runningMean, runningVar, momentum, update ? 1 : 0);
        if (d.IsCpu)
        {
            d.ForEach(s.Channels, new StatsBody(x, outputs, s));
            return;
        }
        // NOTE: two passes, as the CPU path: the squared deviations need the float mean first.
        WithPartials(d, s, partials =>
        {
            IlgpuChannelSums.Sums(d, new ValueTerms(x), s, partials);
            d.ForEach(s.Channels, new MeanBody(partials, mean, s, IlgpuChannelSums.Splits(s)));
            IlgpuChannelSums.Sums(d, new SquaredDeviationTerms(x, mean), s, partials);
            d.ForEach(s.Channels, new VarianceBody(partials, outputs, s, IlgpuChannelSums.Splits(s)));
        });
    }

    /// <summary>Runs <paramref name="launch"/> with a pooled partials buffer for <see cref="IlgpuChannelSums"/> over <paramref name="s"/>.</summary>
    static void WithPartials(Device d, ChannelShape s, Action<ArrayView<double>> launch)
    {
        long count = 2L * s.Channels * IlgpuChannelSums.Splits(s);
        var buffer = d.Pool.Rent(count * sizeof(double));
        try
        {
            launch(buffer.As<double>(count));
        }
        finally
        {
            d.Pool.Return(buffer);
        }
    }

    /// <summary>y = x·alpha + beta per channel (PyTorch's order), with x and y of shape <paramref name="s"/> and the rest [C].</summary>
    public static void Normalize(Device d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, double eps, bool training) =>
        d.ForEach((int)y.Length, new NormalizeBody(x, mean, var, weight, bias, y, s, eps, training ? 1 : 0));

    /// <summary>The weight and bias gradients ([C]), then the input gradient from them.</summary>
    public static void Backward(Device d, ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, bool training)
    {
        if (d.IsCpu)
            d.ForEach(s.Channels, new ChannelGradBody(x, gradOut, mean, var, gradWeight, gradBias, s, eps));
        else
            WithPartials(d, s, partials =>
            {
                IlgpuChannelSums.Sums(d, new GradTerms(x, gradOut, mean), s, partials);
                d.ForEach(s.Channels, new ChannelGradSumsBody(partials, var, gradWeight, gradBias, IlgpuChannelSums.Splits(s), eps));
            });
        d.ForEach((int)gradIn.Length,
            new InputGradBody(x, gradOut, mean, var, weight, gradWeight, gradBias, gradIn, s, eps, training ? 1f : 0f));
    }

    /// <summary>counter[0] += 1 on the device (num_batches_tracked).</summary>
    public static void Increment(Device d, ArrayView<long> counter) =>
        d.ForEach(1, new IncrementBody(counter));
}
