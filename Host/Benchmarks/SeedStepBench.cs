using QSparse.Host.Training;

namespace QSparse.Host.Benchmarks;

/// <summary>
/// The seed MNIST network (SPEC.md §11) with Adadelta on one fixed random batch, stepped with
/// <see cref="TrainingStep.Run"/>. In quantize+prune mode the schedule's unit E is one step, so that after
/// <see cref="ActiveAfter"/> steps every quantizer has searched its decimals and every pruner has reached its
/// target sparsity: later steps are the steady state of a QSPARSE run (quantize and mask on every forward).
/// </summary>
public sealed class SeedStepBench : IDisposable
{
    /// <summary>
    /// Steps after which a quantize+prune network with E = 1 is active: quantize-first activation timeout 3E,
    /// weight timeout 2E, pruning from 4E every E for 3 events; a margin of a few steps on top.
    /// </summary>
    public const int ActiveAfter = 12;

    readonly Adadelta optimizer;
    readonly Tensor x, y;

    /// <summary>A fresh network of <paramref name="mode"/> (float or quantize+prune of weights and features) for batch <paramref name="batch"/>.</summary>
    public SeedStepBench(Device device, TrainMode mode, int batch)
    {
        Device = device;
        Mode = mode;
        Batch = batch;
        var generator = new Generator(1);
        Model = new MnistNet(device, generator, new NetworkConfig(mode, PruneTarget.Both, QsparseOrder.QuantizeFirst, 8, false, 1).NetworkOptions);
        optimizer = new Adadelta(Model.Parameters());
        x = Tensor.Randn(device, [batch, 1, 28, 28], generator);
        y = Tensor.FromArray(device, Enumerable.Range(0, batch).Select(i => (long)(i % 10)).ToArray(), batch);
    }

    /// <summary>The device the network lives on.</summary>
    public Device Device { get; }

    /// <summary>Float or quantize+prune.</summary>
    public TrainMode Mode { get; }

    /// <summary>Examples per step.</summary>
    public int Batch { get; }

    /// <summary>The network.</summary>
    public Module Model { get; }

    /// <summary>The fixed batch every step trains on.</summary>
    public Tensor Input => x;

    /// <summary>Steps before the steady state: <see cref="ActiveAfter"/> with QSPARSE, else 1 (kernel compilation).</summary>
    public int WarmupSteps => Mode == TrainMode.Float ? 1 : ActiveAfter;

    /// <summary>The row name: "train step float b64", "train step quantize+prune b256".</summary>
    public string Workload => $"train step {TrainOptions.Spell(Mode)} b{Batch}";

    /// <summary>One training step; the loss is not read, so nothing waits for the device.</summary>
    public void Step()
    {
        using (new TensorScope())
            TrainingStep.Run(Model, optimizer, x, y);
    }

    /// <summary>What QSPARSE does in the steady state: see <see cref="QsparseActivity.Describe"/>.</summary>
    public string DescribeActive() => QsparseActivity.Describe(Model, WarmupSteps);

    /// <summary>Releases the batch and the optimizer state.</summary>
    public void Dispose()
    {
        optimizer.Dispose();
        x.Dispose();
        y.Dispose();
    }
}
