namespace QSparse.Scheduling;

/// <summary>
/// PyTorch 1.13's LinearLR: the rate moves linearly from base·<see cref="StartFactor"/> to
/// base·<see cref="EndFactor"/> over <see cref="TotalIters"/> epochs, then stays; computed recursively
/// (each rate a factor of the previous one), as PyTorch does.
/// </summary>
public sealed class LinearLR : LRSchedule
{
    /// <param name="baseLr">The optimizer's initial lr.</param>
    /// <param name="startFactor">The factor at epoch 0, in (0, 1].</param>
    /// <param name="endFactor">The factor from epoch total_iters on, in [0, 1].</param>
    /// <param name="totalIters">Epochs of the ramp.</param>
    public LinearLR(double baseLr, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5)
        : base(baseLr, baseLr * startFactor)
    {
        if (!(startFactor > 0 && startFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor,
                "starting multiplicative factor expected to be greater than 0 and less or equal to 1");
        if (!(endFactor >= 0 && endFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor,
                "ending multiplicative factor expected to be between 0 and 1");
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
    }

    /// <summary>The factor at epoch 0.</summary>
    public double StartFactor { get; }

    /// <summary>The factor from epoch <see cref="TotalIters"/> on.</summary>
    public double EndFactor { get; }

    /// <summary>Epochs of the ramp.</summary>
    public int TotalIters { get; }

    protected override double Next(double lr, int epoch)
    {
        if (epoch > TotalIters)
            return lr;
        double delta = EndFactor - StartFactor;
        return lr * (1.0 + delta / (TotalIters * StartFactor + (epoch - 1) * delta));
    }
}
