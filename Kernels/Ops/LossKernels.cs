using ILGPU;

namespace QSparse.Kernels;

/// <summary>Negative log-likelihood over log-probabilities [N, C] with int64 class targets [N], deterministic.</summary>
public static class LossKernels
{
    /// <summary>
    /// loss [] = -sum of logProbs[i, target[i]] over rows whose target is not <paramref name="ignoreIndex"/>
    /// (divided by their count when <paramref name="mean"/>); count [1] = that count; firstBad [2] = the first
    /// row whose target is out of [0, C) (or -1) and that target.
    /// </summary>
    public static void NllForward(Device d, ArrayView<float> logProbs, ArrayView<long> target, ArrayView<float> loss,
        ArrayView<float> count, ArrayView<long> firstBad, int classes, int ignoreIndex, bool mean) =>
        d.Backend.NllForward(logProbs, target, loss, count, firstBad, classes, ignoreIndex, mean);

    /// <summary>gradIn [N, C] from the scalar gradOut and the forward's count [1].</summary>
    public static void NllBackward(Device d, ArrayView<long> target, ArrayView<float> gradOut, ArrayView<float> count,
        ArrayView<float> gradIn, int classes, int ignoreIndex, bool mean) =>
        d.Backend.NllBackward(target, gradOut, count, gradIn, classes, ignoreIndex, mean);
}
