using QSparse.Scheduling;

namespace QSparse.Host.Training.Tasks;

/// <summary>
/// A task's loss, update and metric around one network (<see cref="Network"/>, whose state the checkpoint
/// holds), with its optimizers and the learning-rate schedule stepped once per epoch. The training loop
/// (<see cref="Trainer"/>) stays plain: for each batch it calls <see cref="Step"/>.
/// </summary>
public abstract class TrainingTask : IDisposable
{
    /// <param name="network">The module trained and checkpointed.</param>
    /// <param name="schedule">The learning rate of each epoch.</param>
    protected TrainingTask(Module network, LRSchedule schedule)
    {
        Network = network;
        Schedule = schedule;
    }

    /// <summary>The module trained and checkpointed (for pix2pix the generator and the discriminator).</summary>
    public Module Network { get; }

    /// <summary>The learning rate of each epoch.</summary>
    public LRSchedule Schedule { get; }

    /// <summary>
    /// The optimizers, each with the checkpoint prefix of its state: the first under "optimizer." (the
    /// <see cref="Checkpoint"/> format), the others among the extras under their own prefix.
    /// </summary>
    public abstract IReadOnlyList<(string Prefix, Optimizer Optimizer)> Optimizers { get; }

    /// <summary>Gives the optimizers the rate of the schedule's current epoch (each group its share of it).</summary>
    public virtual void ApplyLr()
    {
        foreach (var (_, optimizer) in Optimizers)
            optimizer.Lr = Schedule.Lr;
    }

    /// <summary>
    /// One training step on a batch: forward, zero-grad, backward, update; returns the loss to report (a scalar tensor
    /// of the open scope). Nothing here waits for the device: reading the loss does.
    /// </summary>
    public abstract Tensor Step(Tensor input, Tensor target);

    /// <summary>Measures the network in evaluation mode on <paramref name="batches"/> (disposing them) and puts it back in training mode.</summary>
    public TaskMetrics Evaluate(IEnumerable<(Tensor Input, Tensor Target)> batches)
    {
        var sums = new double[MetricCount];
        int count = 0;
        Network.Eval();
        try
        {
            foreach (var (input, target) in batches)
            {
                using var scope = new TensorScope();
                using var noGrad = Autograd.NoGrad();
                using (input)
                using (target)
                {
                    Accumulate(input, target, sums);
                    count += input.Shape[0];
                }
            }
        }
        finally
        {
            Network.Train();
        }
        return Metrics(sums, count);
    }

    /// <summary>Sums between them: how many numbers <see cref="Accumulate"/> adds to.</summary>
    protected abstract int MetricCount { get; }

    /// <summary>Adds one test batch's contributions to <paramref name="sums"/> (in evaluation mode, without gradients).</summary>
    protected abstract void Accumulate(Tensor input, Tensor target, double[] sums);

    /// <summary>The metrics from the sums over <paramref name="count"/> examples.</summary>
    protected abstract TaskMetrics Metrics(double[] sums, int count);

    /// <summary>True when <see cref="WriteSamples"/> writes anything.</summary>
    public virtual bool HasSamples => false;

    /// <summary>Writes what the task shows of its outputs after an epoch (pix2pix: a PNG grid of samples); nothing by default.</summary>
    public virtual void WriteSamples(string checkpointPath, int epoch, (Tensor Input, Tensor Target) batch)
    {
    }

    /// <summary>Releases the optimizers' state.</summary>
    public void Dispose()
    {
        foreach (var (_, optimizer) in Optimizers)
            optimizer.Dispose();
        GC.SuppressFinalize(this);
    }
}
