using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Negative log-likelihood over log-probabilities [N, C] with int64 class targets [N]. The forward
/// sums the rows in order on one thread (N is a batch size), so the loss is deterministic.
/// </summary>
static class IlgpuLoss
{
    /// <summary>
    /// One item: loss[0] = -sum of logProbs[i, target[i]] over rows whose target is not ignoreIndex,
    /// divided by their count when mean is 1; count[0] = that count; firstBad[0] = the first row whose
    /// target is out of [0, C), or -1, and firstBad[1] = that row's target.
    /// </summary>
    internal readonly struct ForwardBody(ArrayView<float> logProbs, ArrayView<long> target, ArrayView<float> loss,
        ArrayView<float> count, ArrayView<long> firstBad, int classes, int ignoreIndex, int mean) : IElementBody
    {
        public void Run(int item)
        {
            int rows = (int)target.Length, bad = -1;
            long badTarget = 0;
            double sum = 0, kept = 0;
            for (int i = 0; i < rows; i++)
            {
                long t = target[i];
                if (t == ignoreIndex)
                    continue;
                if (t < 0 || t >= classes)
                {
                    if (bad < 0)
                    {
                        bad = i;
                        badTarget = t;
                    }
                    continue;
                }
                sum += logProbs[i * classes + (int)t];
                kept += 1;
            }
            // NOTE: a mean over zero kept rows is 0/0 = NaN, as in PyTorch.
            loss[0] = (float)(mean != 0 ? -sum / kept : -sum);
            count[0] = (float)kept;
            firstBad[0] = bad;
            firstBad[1] = badTarget;
        }
    }

    /// <summary>gradIn[i, c] = -gradOut/scale where c = target[i] (scale = the kept count for a mean, else 1), 0 elsewhere.</summary>
    internal readonly struct BackwardBody(ArrayView<long> target, ArrayView<float> gradOut, ArrayView<float> count,
        ArrayView<float> gradIn, int classes, int ignoreIndex, int mean) : IElementBody
    {
        public void Run(int i)
        {
            int row = i / classes;
            long label = target[row];
            float g = mean != 0 ? gradOut[0] / count[0] : gradOut[0];
            gradIn[i] = label != ignoreIndex && label == i - row * classes ? -g : 0f;
        }
    }

    public static void NllForward(Device d, ArrayView<float> logProbs, ArrayView<long> target, ArrayView<float> loss,
        ArrayView<float> count, ArrayView<long> firstBad, int classes, int ignoreIndex, bool mean) =>
        d.ForEach(1, new ForwardBody(logProbs, target, loss, count, firstBad, classes, ignoreIndex, mean ? 1 : 0));

    public static void NllBackward(Device d, ArrayView<long> target, ArrayView<float> gradOut, ArrayView<float> count,
        ArrayView<float> gradIn, int classes, int ignoreIndex, bool mean) =>
        d.ForEach((int)gradIn.Length, new BackwardBody(target, gradOut, count, gradIn, classes, ignoreIndex, mean ? 1 : 0));
}
