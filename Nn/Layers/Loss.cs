using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Nn;

public static partial class Functional
{
    /// <summary>
    /// Negative log-likelihood (torch.nn.functional.nll_loss) of log-probabilities [N, C] at class
    /// targets [N] (int64, or int32): row i's term is -w[t_i]·logProbs[i, t_i] (w the class <paramref name="weight"/>
    /// [C], or 1), summed, divided by the sum of w[t_i] over the counted rows for <see cref="Reduction.Mean"/>,
    /// or kept per row [N] for <see cref="Reduction.None"/>. Rows whose target is <paramref name="ignoreIndex"/>
    /// count 0. A target outside [0, C) is an <see cref="ArgumentException"/> thrown when the loss is
    /// first read on the host (<see cref="Tensor.Item"/>, <see cref="Tensor.ToArray{T}"/>), so that computing
    /// the loss never waits for the device.
    /// </summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100,
        Tensor? weight = null)
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
        if (weight != null && (weight.Rank != 1 || weight.Shape[0] != classes))
            throw new ArgumentException($"nll_loss: weight {ShapeUtil.Format(weight.Shape)} must be [{classes}], one per class", nameof(weight));
        if (weight != null || reduction == Reduction.None)
            return WeightedNllLoss(logProbs, labels, reduction, ignoreIndex, weight);
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

    /// <summary>
    /// nll_loss with class weights or per-row output, composed from differentiable ops: row i's term is
    /// −w[t_i]·logProbs[i, t_i] (0 where ignored); the mean divides by the sum of w[t_i] over counted rows.
    /// </summary>
    static Tensor WeightedNllLoss(Tensor logProbs, Tensor labels, Reduction reduction, int ignoreIndex, Tensor? weight)
    {
        // NOTE: NllLoss sends Mean here only with a weight; the unweighted mean is the kernel's.
        var rows = PickTargets(weight == null ? logProbs : logProbs * weight.Reshape(1, -1), labels, ignoreIndex).Neg();
        var loss = reduction switch
        {
            Reduction.Sum => rows.Sum(),
            Reduction.Mean => rows.Sum() / PickTargets(weight!.Reshape(1, -1).BroadcastTo(logProbs.Shape), labels, ignoreIndex).Sum(),
            _ => rows,
        };
        // NOTE: the kernel's deferred target check, on a detached copy of the sum, guards the composed form too.
        var sum = NllLoss(logProbs.Detach(), labels, Reduction.Sum, ignoreIndex);
        var check = sum.DeferredCheck!;
        loss.DeferredCheck = _ => check(sum);
        return loss;
    }

    /// <summary>x[i, t_i] for each row i of x [N, C] as [N], 0 where t_i is <paramref name="ignoreIndex"/> (or out of range); differentiable in x.</summary>
    static Tensor PickTargets(Tensor x, Tensor labels, int ignoreIndex)
    {
        using var classes = Tensor.Arange(x.Device, x.Shape[1]);
        using var ignored = labels.Eq(ignoreIndex);
        using var none = Tensor.Full(x.Device, [], -1);
        using var asFloat = labels.To(DType.Float32);
        using var counted = Tensor.Where(ignored, none, asFloat);
        using var column = counted.Reshape(-1, 1);
        using var zero = Tensor.Zeros(x.Device, []);
        // NOTE: the mask is not disposed here: Where's backward reads it (the scope or the graph releases it).
        return Tensor.Where(column.Eq(classes), x, zero).Sum(1);
    }

    /// <summary>Floats in NllLoss's result buffer: loss, count, then two int64 (first bad row, its target).</summary>
    const int StatsFloats = 6;

    static Action<Tensor> ThrowOnBadTarget(int classes) => loss =>
    {
        var bad = new long[2];
        HostTransfers.Download(loss.Device, loss.Storage.Buffer.View.AsContiguous().SubView(2 * sizeof(float), 2 * sizeof(long)),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(bad.AsSpan()));
        if (bad[0] >= 0)
            throw new ArgumentException($"nll_loss: target {bad[1]} at row {bad[0]} is out of range for {classes} classes", "target");
    };

    /// <summary>
    /// Cross-entropy of raw <paramref name="logits"/> [N, C] against class targets [N]
    /// (torch.nn.functional.cross_entropy): <see cref="NllLoss"/> of <see cref="LogSoftmax"/> over dimension 1,
    /// with optional class <paramref name="weight"/> [C]. With <paramref name="labelSmoothing"/> ε it is PyTorch's
    /// (1 − ε)·nll + (ε / C)·smooth, where smooth's row i is −Σ_c w_c·logp[i, c] (0 where ignored), summed, or
    /// divided by the counted rows (by Σ w[t_i] over them when weighted) for <see cref="Reduction.Mean"/>.
    /// A float32 <paramref name="target"/> of the logits' shape holds class probabilities instead (see <see cref="SoftTargetCrossEntropy"/>).
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean, int ignoreIndex = -100,
        Tensor? weight = null, double labelSmoothing = 0)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "cross_entropy: label_smoothing must be in [0, 1]");
        var logProbs = LogSoftmax(logits, 1);
        if (target.DType == DType.Float32)
            return SoftTargetCrossEntropy(logProbs, target, reduction, ignoreIndex, weight, labelSmoothing);
        var nll = NllLoss(logProbs, target, reduction, ignoreIndex, weight);
        if (labelSmoothing == 0)
            return nll;
        int classes = logits.Shape[1];
        var ignored = target.Eq(ignoreIndex);
        using var zero = Tensor.Zeros(logits.Device, []);
        var smooth = Tensor.Where(ignored, zero, (weight == null ? logProbs : logProbs * weight.Reshape(1, -1)).Sum(1).Neg());
        var total = reduction switch
        {
            Reduction.Sum => smooth.Sum(),
            Reduction.Mean when weight == null => smooth.Sum() / (1f - ignored.To(DType.Float32)).Sum(),
            Reduction.Mean => smooth.Sum() / PickTargets(weight!.Reshape(1, -1).BroadcastTo(logits.Shape), target, ignoreIndex).Sum(),
            _ => smooth,
        };
        var loss = nll * (float)(1 - labelSmoothing) + total * (float)(labelSmoothing / classes);
        var check = nll.DeferredCheck;
        loss.DeferredCheck = check == null ? null : _ => check(nll);
        return loss;
    }

    /// <summary>
    /// Cross-entropy against class probabilities [N, C] (PyTorch's float target): row i is −Σ_c w_c·logp[i, c]·t'[i, c]
    /// with t' = (1 − ε)·t + ε/C; "mean" divides the sum by N (not by the weights). Both inputs get gradients.
    /// </summary>
    static Tensor SoftTargetCrossEntropy(Tensor logProbs, Tensor target, Reduction reduction, int ignoreIndex, Tensor? weight, double smoothing)
    {
        SameShape(logProbs, target, "cross_entropy");
        if (ignoreIndex != -100)
            throw new ArgumentException("cross_entropy: ignore_index is not supported for class-probability targets", nameof(ignoreIndex));
        int classes = logProbs.Shape[1];
        var probabilities = smoothing == 0 ? target : target * (float)(1 - smoothing) + (float)(smoothing / classes);
        var terms = logProbs * probabilities;
        var rows = (weight == null ? terms : terms * weight.Reshape(1, -1)).Sum(1).Neg();
        return Reduce(rows, reduction);
    }

    /// <summary>
    /// Mean squared error (torch.nn.functional.mse_loss): (input − target)², reduced. Both may require gradients.
    /// </summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        var d = Difference(input, target, "mse_loss");
        return Reduce(d * d, reduction);
    }

    /// <summary>Mean absolute error (torch.nn.functional.l1_loss): |input − target|, reduced; the gradient at 0 is 0.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Reduce(Difference(input, target, "l1_loss").Abs(), reduction);

    /// <summary>
    /// torch.nn.functional.smooth_l1_loss: 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β, with d = input − target, reduced.
    /// β = 0 is L1.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        if (beta < 0)
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "smooth_l1_loss: beta must be non-negative");
        float b = (float)beta;
        var d = Difference(input, target, "smooth_l1_loss");
        return Reduce(d.Unary(new SmoothL1Op(b), "SmoothL1Loss", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new SmoothL1GradOp(b))), reduction);
    }

    /// <summary>
    /// Binary cross-entropy of probabilities <paramref name="input"/> in [0, 1] against <paramref name="target"/>
    /// (torch.nn.functional.binary_cross_entropy): −(t·log p + (1 − t)·log(1 − p)), each log clamped at −100 as in
    /// PyTorch, times the broadcast <paramref name="weight"/>, reduced. Both get gradients (the target's is
    /// log(1 − p) − log p, unclamped as in PyTorch). Inputs outside [0, 1] are not checked (that would wait for the device).
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        SameShape(input, target, "binary_cross_entropy");
        bool inputGrad = input.RequiresGrad, targetGrad = target.RequiresGrad;
        var loss = Autograd.Record(input.Binary(target, new BceOp()), "BinaryCrossEntropy", [input, target],
            g => [inputGrad ? g.Mul(input.Binary(target, new BceGradOp())) : null, targetGrad ? g.Mul(input.Binary(target, new BceTargetGradOp())) : null],
            Saved.Input("self", input), Saved.Input("target", target));
        return Reduce(weight == null ? loss : loss * weight, reduction);
    }

    /// <summary>
    /// Binary cross-entropy of logits (torch.nn.functional.binary_cross_entropy_with_logits), stable for any x:
    /// max(x, 0) − x·t + log(1 + exp(−|x|)); with <paramref name="posWeight"/> p (broadcast, one per class along the
    /// last dimension) (1 − t)·x + (1 + (p − 1)·t)·(−log sigmoid(x)). Times the broadcast <paramref name="weight"/>, reduced.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        Tensor? posWeight = null)
    {
        SameShape(input, target, "binary_cross_entropy_with_logits");
        Tensor loss;
        if (posWeight == null)
        {
            bool inputGrad = input.RequiresGrad, targetGrad = target.RequiresGrad;
            loss = Autograd.Record(input.Binary(target, new BceWithLogitsOp()), "BinaryCrossEntropyWithLogits", [input, target],
                g => [inputGrad ? g.Mul(input.Binary(target, new BceWithLogitsGradOp())) : null, targetGrad ? g.Mul(input).Neg() : null],
                Saved.Input("self", input), Saved.Input("target", target));
        }
        else
        {
            var logWeight = (posWeight - 1f) * target + 1f;
            var softplus = input.Unary(new NegLogSigmoidOp(), "NegLogSigmoid", Tensor.Reads.Input, (g, x, _) => g.Binary(x, new NegLogSigmoidGradOp()));
            loss = (1f - target) * input + logWeight * softplus;
        }
        return Reduce(weight == null ? loss : loss * weight, reduction);
    }

    /// <summary>input − target, after checking the shapes match (PyTorch only warns and broadcasts).</summary>
    static Tensor Difference(Tensor input, Tensor target, string op)
    {
        SameShape(input, target, op);
        return input - target;
    }

    static void SameShape(Tensor input, Tensor target, string op)
    {
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{op}: target {ShapeUtil.Format(target.Shape)} does not match input {ShapeUtil.Format(input.Shape)}", nameof(target));
    }

    /// <summary>Applies <paramref name="reduction"/> to per-element losses.</summary>
    static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => loss,
    };
}

/// <summary>How a loss combines its per-sample terms (PyTorch's reduction="mean" | "sum" | "none").</summary>
public enum Reduction
{
    /// <summary>The average over the samples that count (those whose target is not ignored).</summary>
    Mean,

    /// <summary>The plain sum.</summary>
    Sum,

    /// <summary>No reduction: one loss per element (per row for nll_loss and cross_entropy).</summary>
    None,
}

/// <summary>
/// Base of the loss modules (torch.nn's _Loss): a <see cref="Reduction"/> and a forward of (input, target).
/// Loss modules print no configuration (<c>MSELoss()</c>), as in PyTorch; class weights are buffers.
/// </summary>
public abstract class Loss(Reduction reduction, Device? device) : Module(device)
{
    public Reduction Reduction { get; } = reduction;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>Runs the loss (PyTorch's <c>loss(input, target)</c>).</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);

    /// <summary>A loss needs a target: this one-argument form is an error.</summary>
    public sealed override Tensor Forward(Tensor input) =>
        throw new InvalidOperationException($"{TypeName} takes an input and a target: call Forward(input, target) or Call(input, target)");

    /// <summary>Registers an optional class or element weight as buffer <paramref name="name"/> (absent from the state dict when null).</summary>
    protected Tensor? OptionalBuffer(string name, Tensor? value) => value == null ? null : RegisterBuffer(name, value);
}

/// <summary>torch.nn.MSELoss: <see cref="Functional.MseLoss"/>.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean, Device? device = null) : Loss(reduction, device)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

/// <summary>torch.nn.L1Loss: <see cref="Functional.L1Loss"/>.</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean, Device? device = null) : Loss(reduction, device)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

/// <summary>torch.nn.SmoothL1Loss: <see cref="Functional.SmoothL1Loss"/> with <see cref="Beta"/>.</summary>
public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0, Device? device = null) : Loss(reduction, device)
{
    public double Beta { get; } = beta >= 0 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), beta, "SmoothL1Loss: beta must be non-negative");

    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, Beta);
}

/// <summary>torch.nn.BCELoss over probabilities: <see cref="Functional.BinaryCrossEntropy"/>; <c>weight</c> is a buffer when given.</summary>
public sealed class BCELoss : Loss
{
    readonly Tensor? weight;

    public BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Device? device = null) : base(reduction, device ?? weight?.Device) =>
        this.weight = OptionalBuffer("weight", weight);

    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, weight, Reduction);
}

/// <summary>
/// torch.nn.BCEWithLogitsLoss: <see cref="Functional.BinaryCrossEntropyWithLogits"/>; <c>weight</c> and
/// <c>pos_weight</c> are buffers when given.
/// </summary>
public sealed class BCEWithLogitsLoss : Loss
{
    readonly Tensor? weight, posWeight;

    public BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null, Device? device = null)
        : base(reduction, device ?? weight?.Device ?? posWeight?.Device)
    {
        this.weight = OptionalBuffer("weight", weight);
        this.posWeight = OptionalBuffer("pos_weight", posWeight);
    }

    public override Tensor Forward(Tensor input, Tensor target) =>
        Functional.BinaryCrossEntropyWithLogits(input, target, weight, Reduction, posWeight);
}

/// <summary>torch.nn.NLLLoss over log-probabilities [N, C]: <see cref="Functional.NllLoss"/>; <c>weight</c> [C] is a buffer when given.</summary>
public sealed class NLLLoss : Loss
{
    readonly Tensor? weight;

    public NLLLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, Device? device = null)
        : base(reduction, device ?? weight?.Device)
    {
        this.weight = OptionalBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
    }

    public int IgnoreIndex { get; }

    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, Reduction, IgnoreIndex, weight);
}

/// <summary>
/// torch.nn.CrossEntropyLoss over logits [N, C] and class targets [N]: <see cref="Functional.CrossEntropy"/> with
/// class <c>weight</c> [C] (a buffer when given), <see cref="IgnoreIndex"/> and <see cref="LabelSmoothing"/>.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    readonly Tensor? weight;

    public CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0,
        Device? device = null) : base(reduction, device ?? weight?.Device)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropyLoss: label_smoothing must be in [0, 1]");
        this.weight = OptionalBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    public int IgnoreIndex { get; }

    public double LabelSmoothing { get; }

    public override Tensor Forward(Tensor input, Tensor target) =>
        Functional.CrossEntropy(input, target, Reduction, IgnoreIndex, weight, LabelSmoothing);
}
