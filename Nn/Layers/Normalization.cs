using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm): parameters weight (ones) and bias
/// (zeros) [C] when affine; buffers running_mean (zeros), running_var (ones) [C] and
/// num_batches_tracked (int64, shape []) when tracking running statistics. Training normalises with
/// the batch statistics and updates the buffers in place; evaluation uses the running statistics.
/// </summary>
public abstract class BatchNorm : Module
{
    protected BatchNorm(int numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, Device? device)
        : base(device)
    {
        if (numFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, "num_features must be positive");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        RegisterParameter("weight", affine ? Tensor.Ones(Device, [numFeatures]) : null);
        RegisterParameter("bias", affine ? Tensor.Zeros(Device, [numFeatures]) : null);
        RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros(Device, [numFeatures]) : null);
        RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones(Device, [numFeatures]) : null);
        RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.Zeros(Device, [], DType.Int64) : null);
    }

    /// <summary>C, the channel count.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }

    /// <summary>The weight of the newest batch in the running statistics.</summary>
    public double Momentum { get; }

    public bool Affine { get; }
    public bool TrackRunningStats { get; }

    /// <summary>γ [C], or null without affine.</summary>
    public Tensor? Weight => Slot("weight");

    /// <summary>β [C], or null without affine.</summary>
    public Tensor? Bias => Slot("bias");

    /// <summary>[C], or null when running statistics are not tracked.</summary>
    public Tensor? RunningMean => Slot("running_mean");

    /// <summary>[C] (unbiased batch variances averaged in), or null when running statistics are not tracked.</summary>
    public Tensor? RunningVar => Slot("running_var");

    /// <summary>int64 [], or null when running statistics are not tracked.</summary>
    public Tensor? NumBatchesTracked => Slot("num_batches_tracked");

    /// <summary>Throws unless <paramref name="input"/> has a rank this layer accepts.</summary>
    protected abstract void CheckInput(Tensor input);

    /// <summary>Normalises <paramref name="input"/> [N, C, ...] per channel.</summary>
    public override Tensor Forward(Tensor input)
    {
        CheckInput(input);
        if (Training && NumBatchesTracked is { } count)
            BatchNormKernels.Increment(Device, count.I64); // in place: the state dict holds this tensor
        // Batch statistics in training, and in evaluation too when no running statistics exist.
        bool useBatchStats = Training || RunningMean == null;
        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStats, Momentum, Eps);
    }

    public override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyRepr.Float(Eps)}, momentum={PyRepr.Float(Momentum)}, affine={PyRepr.Bool(Affine)}, track_running_stats={PyRepr.Bool(TrackRunningStats)}";
}

/// <summary>Batch normalisation over [N, C] or [N, C, L] (torch.nn.BatchNorm1d).</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true,
    bool trackRunningStats = true, Device? device = null)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, device)
{
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"BatchNorm1d: expected 2D or 3D input, got {ShapeUtil.Format(input.Shape)}", nameof(input));
    }
}

/// <summary>Batch normalisation over [N, C, H, W] (torch.nn.BatchNorm2d).</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true,
    bool trackRunningStats = true, Device? device = null)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, device)
{
    protected override void CheckInput(Tensor input)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"BatchNorm2d: expected 4D input, got {ShapeUtil.Format(input.Shape)}", nameof(input));
    }
}

public static partial class Functional
{
    /// <summary>
    /// Batch normalisation (torch.nn.functional.batch_norm) of <paramref name="input"/> [N, C], [N, C, L]
    /// or [N, C, H, W] per channel C: y = (x - mean)/sqrt(var + eps)·weight + bias, weight and bias [C]
    /// (ones and zeros when null). In <paramref name="training"/> mode the statistics are the batch mean
    /// and biased variance over every dimension but C, and <paramref name="runningMean"/> /
    /// <paramref name="runningVar"/> [C], when given, are updated in place:
    /// running = (1 - momentum)·running + momentum·stat, with the unbiased variance. Otherwise the running
    /// statistics normalise and the map is a plain affine one. Differentiable in input, weight and bias.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
        Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        if (input.Rank < 2)
            throw new ArgumentException($"batch_norm: input must be [N, C, ...], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        var device = input.Device;
        int n = input.Shape[0], c = input.Shape[1];
        var shape = new ChannelShape(n, c, n * c == 0 ? 0 : input.Numel / (n * c));
        foreach (var (t, name) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
            if (t != null && (t.Rank != 1 || t.Shape[0] != c))
                throw new ArgumentException(
                    $"batch_norm: {name} has shape {ShapeUtil.Format(t.Shape)}, expected [{c}] for input {ShapeUtil.Format(input.Shape)}");
        if ((runningMean == null) != (runningVar == null))
            throw new ArgumentException("batch_norm: give both running_mean and running_var, or neither");

        Tensor mean, var;
        var saved = new List<Saved> { Saved.Input("input", input) };
        if (training)
        {
            if (shape.PerChannel <= 1)
                throw new ArgumentException(
                    $"batch_norm: expected more than 1 value per channel when training, got input size {ShapeUtil.Format(input.Shape)}", nameof(input));
            mean = Tensor.Empty(device, [c]);
            var = Tensor.Empty(device, [c]);
            // Without running statistics the kernel is told not to update; it is handed the batch stats as stand-ins.
            BatchNormKernels.Stats(device, input.F32, mean.F32, var.F32, (runningMean ?? mean).F32,
                (runningVar ?? var).F32, shape, (float)momentum, runningMean != null);
            saved.AddRange([Saved.Intermediate("save_mean", mean), Saved.Intermediate("save_var", var)]);
        }
        else
        {
            // NOTE: backward reads the running statistics when it runs; as in PyTorch (which refuses),
            // they must not be updated by a training forward between this forward and its backward.
            mean = runningMean ?? throw new ArgumentException("batch_norm: running_mean and running_var are required when not training");
            var = runningVar!;
            saved.AddRange([Saved.Input("running_mean", mean), Saved.Input("running_var", var)]);
        }
        // Stand-ins for a missing weight and bias belong to the node, like the batch statistics; the backward
        // does not read the bias, whose stand-in is saved only to be released with the node.
        var w = weight ?? Tensor.Ones(device, [c]);
        var b = bias ?? Tensor.Zeros(device, [c]);
        saved.Add(new Saved("weight", w, Owned: weight == null));
        if (bias == null)
            saved.Add(Saved.Intermediate("bias", b));

        var output = Tensor.Empty(device, input.Shape);
        BatchNormKernels.Normalize(device, input.F32, mean.F32, var.F32, w.F32, b.F32, output.F32, shape, (float)eps);
        return Autograd.Record(output, "BatchNorm", [input, w, b], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            var gradWeight = Tensor.Empty(device, [c]);
            var gradBias = Tensor.Empty(device, [c]);
            BatchNormKernels.Backward(device, input.F32, g.F32, mean.F32, var.F32, w.F32, gradWeight.F32, gradBias.F32,
                gradIn.F32, shape, (float)eps, training);
            return [gradIn, gradWeight, gradBias];
        }, [.. saved]);
    }
}
