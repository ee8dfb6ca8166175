using QSparse.Kernels;

namespace QSparse.Nn;

public static partial class Functional
{
    /// <summary>
    /// Negative log-likelihood (torch.nn.functional.nll_loss) of log-probabilities [N, C] at class
    /// targets [N] (int64, or int32), as a scalar: -sum of logProbs[i, target[i]], divided by the number
    /// of counted rows for <see cref="Reduction.Mean"/>. Rows whose target is <paramref name="ignoreIndex"/>
    /// are skipped. A target outside [0, C) is an <see cref="ArgumentException"/>; NOTE: checking it reads
    /// 4 bytes back from the device, which waits for the forward to finish.
    /// </summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100)
    {
        if (logProbs.Rank != 2)
            throw new ArgumentException($"nll_loss: expected log-probabilities [N, C], got {ShapeUtil.Format(logProbs.Shape)}", nameof(logProbs));
        if (target.Rank != 1 || target.Shape[0] != logProbs.Shape[0])
            throw new ArgumentException(
                $"nll_loss: target {ShapeUtil.Format(target.Shape)} does not match input {ShapeUtil.Format(logProbs.Shape)}: expected [{logProbs.Shape[0]}]", nameof(target));
        var labels = target.DType switch
        {
            DType.Int64 => target,
            DType.Int32 => target.To(DType.Int64),
            _ => throw new ArgumentException($"nll_loss: target must be int64 or int32, got {target.DType.TorchName()}", nameof(target)),
        };
        var device = logProbs.Device;
        int classes = logProbs.Shape[1];
        bool mean = reduction == Reduction.Mean;
        var loss = Tensor.Empty(device, []);
        var count = Tensor.Empty(device, [1]);
        using (var firstBad = Tensor.Empty(device, [1], DType.Int32))
        {
            LossKernels.NllForward(device, logProbs.F32, labels.I64, loss.F32, count.F32, firstBad.I32, classes, ignoreIndex, mean);
            int row = firstBad.ToArray<int>()[0];
            if (row >= 0)
                throw new ArgumentException(
                    $"nll_loss: target {labels.ToArray<long>()[row]} at row {row} is out of range for {classes} classes", nameof(target));
        }
        Tensor[] saved = ReferenceEquals(labels, target) ? [count] : [count, labels];
        return RecordOrRelease(loss, "NllLoss", [logProbs], g =>
        {
            var gradIn = Tensor.Empty(device, logProbs.Shape);
            LossKernels.NllBackward(device, labels.I64, g.F32, count.F32, gradIn.F32, classes, ignoreIndex, mean);
            return [gradIn];
        }, saved);
    }

    /// <summary>
    /// Cross-entropy of raw <paramref name="logits"/> [N, C] against class targets [N]
    /// (torch.nn.functional.cross_entropy): <see cref="NllLoss"/> of <see cref="LogSoftmax"/> over dimension 1.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100) =>
        NllLoss(LogSoftmax(logits, 1), target, reduction, ignoreIndex);
}
