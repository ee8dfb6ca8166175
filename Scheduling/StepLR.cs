namespace QSparse.Scheduling;

/// <summary>
/// PyTorch's StepLR: the learning rate is multiplied by <see cref="Gamma"/> every <see cref="StepSize"/> epochs.
/// NOTE: PyTorch (chainable form) multiplies the previous rate by gamma at each boundary instead of
/// computing base·gamma^k, so the rates are 1.0, 0.7, 0.48999999999999994, ... in double; this class
/// repeats those multiplications exactly.
/// </summary>
public sealed class StepLR : LRSchedule
{
    /// <param name="baseLr">The rate at epoch 0 (the optimizer's initial lr).</param>
    /// <param name="stepSize">Epochs between decays, ≥ 1.</param>
    /// <param name="gamma">The decay factor.</param>
    public StepLR(double baseLr, int stepSize, double gamma = 0.1) : base(baseLr, baseLr)
    {
        if (stepSize < 1)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step_size must be at least 1");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    protected override double Next(double lr, int epoch) => epoch % StepSize == 0 ? lr * Gamma : lr;
}
