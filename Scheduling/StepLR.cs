namespace QSparse.Scheduling;

/// <summary>
/// PyTorch's StepLR: the learning rate is multiplied by <see cref="Gamma"/> every
/// <see cref="StepSize"/> epochs. Plain arithmetic, no optimizer attached: the training loop copies
/// <see cref="Lr"/> into the optimizer, <c>opt.Lr = sched.Lr</c>, and calls <see cref="Step"/> once per epoch.
/// NOTE: PyTorch (chainable form) multiplies the previous rate by gamma at each boundary instead of
/// computing base·gamma^k, so the rates are 1.0, 0.7, 0.48999999999999994, ... in double; this class
/// repeats those multiplications exactly.
/// </summary>
public sealed class StepLR
{
    /// <param name="baseLr">The rate at epoch 0 (the optimizer's initial lr).</param>
    /// <param name="stepSize">Epochs between decays, ≥ 1.</param>
    /// <param name="gamma">The decay factor.</param>
    public StepLR(double baseLr, int stepSize, double gamma = 0.1)
    {
        if (stepSize < 1)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step_size must be at least 1");
        BaseLr = baseLr;
        StepSize = stepSize;
        Gamma = gamma;
        Lr = baseLr;
    }

    /// <summary>The rate at epoch 0.</summary>
    public double BaseLr { get; }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    /// <summary>Completed <see cref="Step"/> calls (PyTorch's last_epoch): 0 after construction.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rate for epoch <see cref="LastEpoch"/>.</summary>
    public double Lr { get; private set; }

    /// <summary>Advances one epoch, decaying the rate when the new epoch is a multiple of <see cref="StepSize"/>.</summary>
    public void Step()
    {
        LastEpoch++;
        if (LastEpoch % StepSize == 0)
            Lr *= Gamma;
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
        Lr = BaseLr;
        while (LastEpoch < lastEpoch)
            Step();
    }
}
