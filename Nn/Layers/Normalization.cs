using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// What batch and instance normalisation share (PyTorch's _NormBase): parameters weight (ones) and bias
/// (zeros) [C] when affine; buffers running_mean (zeros), running_var (ones) [C] and
/// num_batches_tracked (int64, shape []) when tracking running statistics; the printed form.
/// </summary>
public abstract class NormBase : Module
{
    protected NormBase(int numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, Device? device)
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

    public override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyRepr.Float(Eps)}, momentum={PyRepr.Float(Momentum)}, affine={PyRepr.Bool(Affine)}, track_running_stats={PyRepr.Bool(TrackRunningStats)}";
}

/// <summary>
/// What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm). Training normalises with the batch
/// statistics and updates the buffers in place; evaluation uses the running statistics.
/// NOTE: FuseBn folds exactly this type's instances; InstanceNorm2d shares <see cref="NormBase"/>, not this.
/// </summary>
public abstract class BatchNorm(int numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, Device? device)
    : NormBase(numFeatures, eps, momentum, affine, trackRunningStats, device)
{
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

/// <summary>
/// Instance normalisation over [N, C, H, W] or unbatched [C, H, W] (torch.nn.InstanceNorm2d): each (sample,
/// channel) plane normalised by its own mean and biased variance, then weight·x̂ + bias per channel when
/// affine. With track_running_stats, training also averages the planes' statistics over N into the running
/// buffers (num_batches_tracked is kept but, as in PyTorch, not counted) and evaluation uses them.
/// </summary>
public sealed class InstanceNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false,
    bool trackRunningStats = false, Device? device = null)
    : NormBase(numFeatures, eps, momentum, affine, trackRunningStats, device)
{
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"InstanceNorm2d: expected 3D or 4D input, got {ShapeUtil.Format(input.Shape)}", nameof(input));
        var batched = input.Rank == 4 ? input : input.Unsqueeze(0);
        // NOTE: PyTorch only warns on a channel mismatch without affine or running statistics, and then normalises anyway.
        if (batched.Shape[1] != NumFeatures && (Affine || TrackRunningStats))
            throw new ArgumentException(
                $"InstanceNorm2d: expected input with {NumFeatures} channels, got {ShapeUtil.Format(input.Shape)}", nameof(input));
        var y = Functional.InstanceNorm(batched, RunningMean, RunningVar, Effective("weight"), Effective("bias"),
            Training || !TrackRunningStats, Momentum, Eps);
        return input.Rank == 4 ? y : y.Squeeze(0);
    }
}

/// <summary>
/// Group normalisation of [N, C, ...] (torch.nn.GroupNorm): the C channels split into num_groups groups, each
/// (sample, group) normalised by its own mean and biased variance, then weight·x̂ + bias per channel when
/// affine (weight ones, bias zeros [C]). The same in training and evaluation: no running statistics.
/// </summary>
public sealed class GroupNorm : Module
{
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, Device? device = null)
        : base(device)
    {
        if (numGroups <= 0 || numChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(numGroups), $"GroupNorm: num_groups ({numGroups}) and num_channels ({numChannels}) must be positive");
        if (numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_channels ({numChannels}) must be divisible by num_groups ({numGroups})", nameof(numChannels));
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        RegisterParameter("weight", affine ? Tensor.Ones(Device, [numChannels]) : null);
        RegisterParameter("bias", affine ? Tensor.Zeros(Device, [numChannels]) : null);
    }

    public int NumGroups { get; }
    public int NumChannels { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }

    public bool Affine { get; }

    /// <summary>γ [C], or null without affine.</summary>
    public Tensor? Weight => Slot("weight");

    /// <summary>β [C], or null without affine.</summary>
    public Tensor? Bias => Slot("bias");

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank < 2 || input.Shape[1] != NumChannels)
            throw new ArgumentException($"GroupNorm: expected [N, {NumChannels}, ...] input, got {ShapeUtil.Format(input.Shape)}", nameof(input));
        return Functional.GroupNorm(input, NumGroups, Effective("weight"), Effective("bias"), Eps);
    }

    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={PyRepr.Float(Eps)}, affine={PyRepr.Bool(Affine)}";
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
    /// statistics normalise and the map is a plain affine one. Computed in PyTorch's order, y = x·alpha + beta
    /// with alpha = weight/sqrt(var + eps) and beta = bias - mean·alpha per channel (see
    /// <see cref="BatchNormKernels.Normalize"/>), so outputs are PyTorch's bits. Differentiable in input, weight and bias.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
        Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        if (input.Rank < 2)
            throw new ArgumentException($"batch_norm: input must be [N, C, ...], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        CheckChannelVectors("batch_norm", input, (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias"));
        if (training && (input.Shape[1] == 0 || input.Numel / input.Shape[1] <= 1))
            throw new ArgumentException(
                $"batch_norm: expected more than 1 value per channel when training, got input size {ShapeUtil.Format(input.Shape)}", nameof(input));
        return BatchNormCore(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /// <summary>
    /// <see cref="BatchNorm"/> without its check of the values per channel: group normalisation normalises
    /// groups of one value (to zero) where PyTorch allows it. NOTE: a running variance is updated with
    /// n - 1 in the denominator, so callers that pass running statistics keep n above 1.
    /// </summary>
    static Tensor BatchNormCore(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps)
    {
        var device = input.Device;
        int n = input.Shape[0], c = input.Shape[1];
        var shape = new ChannelShape(n, c, n * c == 0 ? 0 : input.Numel / (n * c));
        if ((runningMean == null) != (runningVar == null))
            throw new ArgumentException("batch_norm: give both running_mean and running_var, or neither");

        Tensor mean, var;
        var saved = new List<Saved> { Saved.Input("input", input) };
        if (training)
        {
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
        BatchNormKernels.Normalize(device, input.F32, mean.F32, var.F32, w.F32, b.F32, output.F32, shape, eps, training);
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

    /// <summary>
    /// Instance normalisation (torch.nn.functional.instance_norm) of <paramref name="input"/> [N, C, ...]: as
    /// PyTorch, batch normalisation of the input viewed as [1, N·C, ...] with weight, bias and running statistics
    /// ([C] each, optional) repeated N times. With <paramref name="useInputStats"/> each (sample, channel) is
    /// normalised by its own statistics and the running ones, when given, are updated in place with the mean
    /// over N of the per-sample updates; otherwise the running statistics normalise. Differentiable in input,
    /// weight and bias.
    /// </summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null,
        Tensor? bias = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        if (input.Rank < 3)
            throw new ArgumentException($"instance_norm: input must be [N, C, ...] with spatial dimensions, got {ShapeUtil.Format(input.Shape)}", nameof(input));
        int n = input.Shape[0], c = input.Shape[1];
        CheckChannelVectors("instance_norm", input, (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias"));
        if (!useInputStats && (runningMean == null || runningVar == null))
            throw new ArgumentException("instance_norm: running_mean and running_var are required when use_input_stats is false");
        if (useInputStats && n * c > 0 && input.Numel / (n * c) <= 1)
            throw new ArgumentException(
                $"instance_norm: expected more than 1 spatial element when training, got input size {ShapeUtil.Format(input.Shape)}", nameof(input));
        Tensor? Repeat(Tensor? t) => t == null ? null : Tensor.Cat(Enumerable.Repeat(t, n).ToList(), 0);
        var repeatedMean = Repeat(runningMean?.Detach());
        var repeatedVar = Repeat(runningVar?.Detach());
        var y = BatchNorm(input.Reshape(1, n * c, -1), repeatedMean, repeatedVar, Repeat(weight), Repeat(bias), useInputStats, momentum, eps);
        if (useInputStats && runningMean != null)
        {
            runningMean.CopyFrom(repeatedMean!.Reshape(n, c).Mean(0));
            runningVar!.CopyFrom(repeatedVar!.Reshape(n, c).Mean(0));
        }
        return y.Reshape(input.Shape);
    }

    /// <summary>
    /// Group normalisation (torch.nn.functional.group_norm) of <paramref name="input"/> [N, C, ...] in
    /// <paramref name="numGroups"/> groups of C/numGroups consecutive channels: each (sample, group) normalised
    /// by its own mean and biased variance (batch normalisation of the input viewed as [1, N·groups, ...]),
    /// then ·weight + bias per channel ([C] each, optional), as PyTorch's per-channel affine after the group
    /// statistics. Differentiable in input, weight and bias.
    /// </summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        if (input.Rank < 2)
            throw new ArgumentException($"group_norm: input must be [N, C, ...], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        int n = input.Shape[0], c = input.Shape[1];
        if (numGroups <= 0 || c % numGroups != 0)
            throw new ArgumentException(
                $"group_norm: expected the {c} channels of input {ShapeUtil.Format(input.Shape)} to be divisible by num_groups, got num_groups={numGroups}", nameof(numGroups));
        CheckChannelVectors("group_norm", input, (weight, "weight"), (bias, "bias"));
        var y = BatchNormCore(input.Reshape(1, n * numGroups, -1), null, null, null, null, training: true, 0, eps).Reshape(input.Shape);
        // The per-channel affine broadcasts over [1, C, 1, ...].
        int[] channelShape = [1, c, .. Enumerable.Repeat(1, input.Rank - 2)];
        if (weight != null)
            y = y.Mul(weight.Reshape(channelShape));
        if (bias != null)
            y = y.Add(bias.Reshape(channelShape));
        return y;
    }

    /// <summary>Throws unless each given tensor is [C] for <paramref name="input"/> [N, C, ...].</summary>
    static void CheckChannelVectors(string op, Tensor input, params (Tensor? Tensor, string Name)[] vectors)
    {
        int c = input.Shape[1];
        foreach (var (t, name) in vectors)
            if (t != null && (t.Rank != 1 || t.Shape[0] != c))
                throw new ArgumentException(
                    $"{op}: {name} has shape {ShapeUtil.Format(t.Shape)}, expected [{c}] for input {ShapeUtil.Format(input.Shape)}");
    }
}
