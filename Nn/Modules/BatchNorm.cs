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
