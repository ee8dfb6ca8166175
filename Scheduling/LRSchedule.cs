namespace QSparse.Scheduling;

/// <summary>
/// Base of PyTorch's learning-rate schedules (torch.optim.lr_scheduler, PyTorch 1.13) as plain arithmetic,
/// no optimizer attached: the training loop copies <see cref="Lr"/> into the optimizer (<c>opt.Lr = sched.Lr</c>,
/// or a group's <c>ParamGroups[i].Lr</c>, one schedule per group) and calls <see cref="Step"/> once per epoch.
/// NOTE: PyTorch's chainable schedules compute each rate from the previous one (a float64 recursion), so
/// <see cref="Next"/> repeats exactly those operations, and a restored schedule replays its steps from
/// epoch 0 instead of using a closed form, which would differ in the last bits.
/// </summary>
public abstract class LRSchedule
{
    /// <param name="baseLr">The optimizer's initial rate (PyTorch's base_lr).</param>
    /// <param name="initialLr">The rate at epoch 0 (base_lr, or a factor of it).</param>
    protected LRSchedule(double baseLr, double initialLr)
    {
        BaseLr = baseLr;
        InitialLr = initialLr;
        Lr = initialLr;
    }

    /// <summary>The optimizer's initial rate.</summary>
    public double BaseLr { get; }

    double InitialLr { get; }

    /// <summary>Completed <see cref="Step"/> calls (PyTorch's last_epoch): 0 after construction.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rate for epoch <see cref="LastEpoch"/>.</summary>
    public double Lr { get; private set; }

    /// <summary>The rate of epoch <paramref name="epoch"/> ≥ 1 from the rate <paramref name="lr"/> of the epoch before.</summary>
    protected abstract double Next(double lr, int epoch);

    /// <summary>Advances one epoch.</summary>
    public void Step()
    {
        LastEpoch++;
        Lr = Next(Lr, LastEpoch);
    }

    /// <summary>
    /// Restores the state saved as <see cref="LastEpoch"/>: replays the steps from epoch 0, so
    /// <see cref="Lr"/> is bit-identical to the uninterrupted run's.
    /// </summary>
    public void LoadState(int lastEpoch)
    {
        if (lastEpoch < 0)
            throw new ArgumentOutOfRangeException(nameof(lastEpoch), lastEpoch, "last_epoch must be at least 0");
        LastEpoch = 0;
        Lr = InitialLr;
        while (LastEpoch < lastEpoch)
            Step();
    }
}
