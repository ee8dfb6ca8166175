using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Batch normalisation: per-channel statistics, the element-wise affine normalisation, and the two
/// backward passes. NOTE: per-channel sums are accumulated in double, as PyTorch's CPU kernels do for
/// float inputs, in a fixed order per channel.
/// </summary>
public static class BatchNormKernels
{
    /// <summary>
    /// Batch mean and BIASED variance of x (<paramref name="s"/>) into mean and var ([C]); when
    /// <paramref name="update"/> also running = (1 - momentum)·running + momentum·stat in place, with the
    /// UNBIASED variance (n - 1) as PyTorch (the running views are ignored otherwise). In PyTorch's precision:
    /// the mean from a double sum, the squared deviations from the float mean taken in float and summed in
    /// double, that sum rounded to float and divided by n (or n - 1) in float.
    /// </summary>
    public static void Stats(Device d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ChannelShape s, float momentum, bool update) =>
        d.Backend.BatchNormStats(x, mean, var, runningMean, runningVar, s, momentum, update);

    /// <summary>
    /// y = (x - mean)/sqrt(var + eps)·weight + bias, with x and y of shape <paramref name="s"/> and the rest [C],
    /// computed in PyTorch's order: per channel alpha = weight/sqrt(var + eps) and beta = bias - mean·alpha,
    /// then y = x·alpha + beta (both fused multiply-adds, as PyTorch's AVX2 CPU kernels). In
    /// <paramref name="training"/> (var the batch variance) 1/sqrt(var + eps) is rounded from double, as
    /// PyTorch's saved inverse deviation; in evaluation (the running variance) it is taken in float.
    /// </summary>
    public static void Normalize(Device d, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> var,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelShape s, double eps, bool training) =>
        d.Backend.BatchNormNormalize(x, mean, var, weight, bias, y, s, eps, training);

    /// <summary>
    /// The weight and bias gradients ([C]), then the input gradient from them; <paramref name="training"/>
    /// says whether the statistics depended on x (else the normalisation is a plain affine map).
    /// </summary>
    public static void Backward(Device d, ArrayView<float> x, ArrayView<float> gradOut, ArrayView<float> mean,
        ArrayView<float> var, ArrayView<float> weight, ArrayView<float> gradWeight, ArrayView<float> gradBias,
        ArrayView<float> gradIn, ChannelShape s, float eps, bool training) =>
        d.Backend.BatchNormBackward(x, gradOut, mean, var, weight, gradWeight, gradBias, gradIn, s, eps, training);

    /// <summary>counter[0] += 1 on the device (num_batches_tracked).</summary>
    public static void Increment(Device d, ArrayView<long> counter) => d.Backend.Increment(counter);
}
