using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Nn;

public static partial class Functional
{
    /// <summary>
    /// Negative log-likelihood (torch.nn.functional.nll_loss) of log-probabilities [N, C] at class
    /// targets [N] (int64, or int32), as a scalar: -sum of logProbs[i, target[i]], divided by the number
    /// of counted rows for <see cref="Reduction.Mean"/>. Rows whose target is <paramref name="ignoreIndex"/>
    /// are skipped. A target outside [0, C) is an <see cref="ArgumentException"/> thrown when the loss is
    /// first read on the host (<see cref="Tensor.Item"/>, <see cref="Tensor.ToArray{T}"/>), so that computing
    /// the loss never waits for the device.
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
        // One buffer holds [loss, count, first bad row (int64), its target (int64)]: the loss is a view of its
        // first element, so the deferred target check below lives exactly as long as the loss.
        var stats = Tensor.Empty(device, [StatsFloats]);
        var loss = new Tensor(device, [], DType.Float32, stats.Storage);
        var all = stats.F32;
        LossKernels.NllForward(device, logProbs.F32, labels.I64, all.SubView(0, 1), all.SubView(1, 1), all.SubView(2, 4).Cast<long>(),
            classes, ignoreIndex, mean);
        // NOTE: validating the targets here would read the device back and wait for the whole forward on every
        // training step. The kernel records the first bad target instead and the check runs when the loss is first
        // read on the host (Item, ToArray), where a wait happens anyway; the Host validates its labels once when a
        // data set is uploaded. A loss never read is never checked: its bad rows add nothing to loss or gradient.
        loss.DeferredCheck = ThrowOnBadTarget(classes);
        return Autograd.Record(loss, "NllLoss", [logProbs], g =>
        {
            var gradIn = Tensor.Empty(device, logProbs.Shape);
            LossKernels.NllBackward(device, labels.I64, g.F32, stats.F32.SubView(1, 1), gradIn.F32, classes, ignoreIndex, mean);
            return [gradIn];
        }, Saved.Intermediate("total_weight", stats),
            ReferenceEquals(labels, target) ? Saved.Input("target", target) : Saved.Intermediate("target", labels));
    }

    /// <summary>Floats in NllLoss's result buffer: loss, count, then two int64 (first bad row, its target).</summary>
    const int StatsFloats = 6;

    static Action<Tensor> ThrowOnBadTarget(int classes) => loss =>
    {
        var bad = new long[2];
        loss.Storage.Buffer.View.AsContiguous().SubView(2 * sizeof(float), 2 * sizeof(long)).Cast<long>().CopyToCPU(bad);
        if (bad[0] >= 0)
            throw new ArgumentException($"nll_loss: target {bad[1]} at row {bad[0]} is out of range for {classes} classes", "target");
    };

    /// <summary>
    /// Cross-entropy of raw <paramref name="logits"/> [N, C] against class targets [N]
    /// (torch.nn.functional.cross_entropy): <see cref="NllLoss"/> of <see cref="LogSoftmax"/> over dimension 1.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100) =>
        NllLoss(LogSoftmax(logits, 1), target, reduction, ignoreIndex);
}

/// <summary>How a loss combines its per-sample terms (PyTorch's reduction="mean" | "sum").</summary>
public enum Reduction
{
    /// <summary>The average over the samples that count (those whose target is not ignored).</summary>
    Mean,

    /// <summary>The plain sum.</summary>
    Sum,
}
