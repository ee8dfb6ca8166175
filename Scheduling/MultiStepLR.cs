namespace QSparse.Scheduling;

/// <summary>
/// PyTorch's MultiStepLR: the rate is multiplied by <see cref="Gamma"/> at each milestone epoch (by
/// gamma^k at a milestone listed k times), chained from the previous rate as PyTorch does.
/// </summary>
public sealed class MultiStepLR : LRSchedule
{
    readonly int[] milestones;

    /// <param name="baseLr">The rate at epoch 0 (the optimizer's initial lr).</param>
    /// <param name="milestones">The epochs at which the rate decays (any order; repeats count).</param>
    /// <param name="gamma">The decay factor.</param>
    public MultiStepLR(double baseLr, IEnumerable<int> milestones, double gamma = 0.1) : base(baseLr, baseLr)
    {
        this.milestones = milestones.Order().ToArray();
        Gamma = gamma;
    }

    /// <summary>The milestone epochs, sorted.</summary>
    public IReadOnlyList<int> Milestones => milestones;

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    protected override double Next(double lr, int epoch)
    {
        int count = milestones.Count(m => m == epoch);
        return count == 0 ? lr : lr * Math.Pow(Gamma, count);
    }
}
