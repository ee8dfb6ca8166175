using QSparse.Host.Training.Tasks;

namespace QSparse.Host.Training;

/// <summary>
/// A training run: the network of a <see cref="NetworkConfig"/> (<see cref="ModelCatalog"/>), its task's loss, optimizers and
/// schedule (<see cref="Recipes"/>), the schedule stepped once per epoch, each epoch's batches from the data. Everything a
/// checkpoint must hold to resume bit-identically is saved by <see cref="Save"/>: weights and QSPARSE state, every
/// optimizer's state, the completed epochs and steps, the LR schedule, the dropout generator's offset and the QSPARSE
/// layers' collection windows.
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly TrainOptions options;
    readonly ITaskData data;
    readonly Generator generator;

    /// <summary>
    /// A fresh run: the network initialised from <see cref="TrainOptions.Seed"/>, built by <paramref name="network"/> when given
    /// (tests: a small network for the configuration) instead of <see cref="ModelCatalog.Create"/>.
    /// </summary>
    public Trainer(Device device, TrainOptions options, ITaskData data, Func<NetworkConfig, Generator, Module>? network = null)
    {
        if (options.BatchSize < 1 || options.EvalBatchSize < 1 || options.Epochs < 1 || options.Window < 1)
            throw new ArgumentException("--batch-size, --epochs and --window must be at least 1");
        if (options.LimitTrain is < 1 || options.LimitTest is < 1 || options.LimitFinalTest is < 1)
            throw new ArgumentException("--limit-train, --limit-test and --limit-final-test must be at least 1");
        this.options = options;
        this.data = data;
        if (data.TrainCount == 0)
            throw new InvalidDataException("the training set is empty");
        var task = ModelCatalog.TaskOf(options.Model);
        Config = new NetworkConfig(options.Mode, options.Prune, options.Order, options.Window, options.FuseBn, data.StepsPerEpoch)
        {
            Model = options.Model, Task = task, Channels = data.Channels, Classes = data.Classes, Scale = task == TaskKind.SuperResolution ? options.Scale : 1,
        };
        generator = new Generator(options.Seed);
        Task = Recipes.Create(Config, options, network?.Invoke(Config, generator) ?? ModelCatalog.Create(device, Config, generator));
    }

    /// <summary>The network being trained (for pix2pix both networks).</summary>
    public Module Model => Task.Network;

    /// <summary>The task: loss, optimizers, schedule, metrics.</summary>
    public TrainingTask Task { get; }

    /// <summary>The network's configuration, E included.</summary>
    public NetworkConfig Config { get; }

    /// <summary>Training examples per epoch.</summary>
    public int TrainCount => data.TrainCount;

    /// <summary>E, training steps per epoch.</summary>
    public int StepsPerEpoch => Config.StepsPerEpoch;

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; private set; }

    /// <summary>Completed training steps.</summary>
    public long Step { get; private set; }

    /// <summary>The learning rate of the current epoch.</summary>
    public double Lr => Task.Schedule.Lr;

    /// <summary>
    /// Continues the run saved at <paramref name="path"/>: its network configuration must match this
    /// run's (else an error naming the difference), and the weights, QSPARSE state, optimizers, schedule,
    /// epoch, step, dropout stream and QSPARSE windows are restored.
    /// </summary>
    public void Resume(string path)
    {
        var checkpoint = CheckpointFile.Read(path);
        var saved = checkpoint.Config;
        if (saved != Config)
            throw new InvalidOperationException(
                $"{path}: the checkpoint was trained with {Describe(saved)}, this run asks for {Describe(Config)}; pass the same flags to resume");
        var extras = checkpoint.LoadInto(Model, Task.Optimizers[0].Optimizer);
        foreach (var (prefix, optimizer) in Task.Optimizers.Skip(1))
        {
            var state = extras.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
            optimizer.CheckStateDict(state);
            optimizer.LoadStateDict(state);
        }
        Epoch = (int)CheckpointExtras.ReadInt64(extras, "epoch", path);
        Step = CheckpointExtras.ReadInt64(extras, "step", path);
        Task.Schedule.LoadState((int)CheckpointExtras.ReadInt64(extras, "lr_last_epoch", path));
        generator.Offset = (ulong)CheckpointExtras.ReadInt64(extras, "generator_offset", path);
        CheckpointExtras.RestoreWindows(Model, extras);
    }

    static string Describe(NetworkConfig c) =>
        $"--model {TrainOptions.Spell(c.Model)}{(c.Scale > 1 ? $" --scale {c.Scale}" : "")} --mode {TrainOptions.Spell(c.Mode)} --prune {TrainOptions.Spell(c.Prune)} "
        + $"--order {TrainOptions.Spell(c.Order)} --window {c.Window}{(c.FuseBn ? " --fuse-bn" : "")}, {c.Channels}-channel data and {c.StepsPerEpoch} steps per epoch";

    /// <summary>
    /// Trains one epoch: one <see cref="TrainingTask.Step"/> per batch of this epoch's order;
    /// <paramref name="onStep"/> gets the step count and the batch's loss after each step.
    /// NOTE: losses stay on the device and are read together every <see cref="LossReadInterval"/> steps and at the
    /// end of the epoch, so a step does not wait for the device (one host sync per interval instead of per step).
    /// </summary>
    public void TrainEpoch(Action<long, double> onStep)
    {
        Task.ApplyLr();
        Model.Train();
        var folded = ModelCatalog.FoldedPart(Model);
        long foldStep = BatchNormFolding.FoldStep(folded);
        var pending = new List<(long Step, Tensor Loss)>();
        foreach (var (x, y) in data.TrainBatches(Epoch))
        {
            if (Config.FuseBn && Step >= foldStep)
                BatchNormFolding.Fold(folded, Task.Optimizers[0].Optimizer);
            using (x)
            using (y)
            using (new TensorScope())
                pending.Add((Step + 1, Task.Step(x, y).Clone().DetachFromScope()));
            Step++;
            if (pending.Count == LossReadInterval)
                ReportLosses(pending, onStep);
        }
        ReportLosses(pending, onStep);
        foreach (var (_, optimizer) in Task.Optimizers)
            optimizer.ZeroGrad();
        Task.Schedule.Step();
        Epoch++;
    }

    /// <summary>Steps between reads of the training loss from the device.</summary>
    public const int LossReadInterval = 10;

    /// <summary>Reads the pending losses in one copy from the device (one host sync), then reports them in order.</summary>
    static void ReportLosses(List<(long Step, Tensor Loss)> pending, Action<long, double> onStep)
    {
        if (pending.Count == 0)
            return;
        float[] losses;
        using (new TensorScope())
            losses = Tensor.Stack([.. pending.Select(p => p.Loss)]).ToArray<float>();
        for (int i = 0; i < pending.Count; i++)
        {
            onStep(pending[i].Step, losses[i]);
            pending[i].Loss.Dispose();
        }
        pending.Clear();
    }

    /// <summary>
    /// Evaluates on the test set: the first <see cref="TrainOptions.LimitTest"/> examples, or when <paramref name="final"/> the
    /// first <see cref="TrainOptions.LimitFinalTest"/> (by default all).
    /// </summary>
    public TaskMetrics Evaluate(bool final) => Task.Evaluate(data.TestBatches(final ? options.LimitFinalTest : options.LimitTest));

    /// <summary>Writes the checkpoint (atomically: a failure leaves an existing file as it was).</summary>
    public void Save(string path) => Checkpoint.Save(path, Model, Task.Optimizers[0].Optimizer, Config.ToExtras().Concat(
    [
        CheckpointExtras.Int64("epoch", Epoch), CheckpointExtras.Int64("step", Step), CheckpointExtras.Int64("lr_last_epoch", Task.Schedule.LastEpoch),
        CheckpointExtras.Int64("generator_offset", (long)generator.Offset), CheckpointExtras.Int64("seed", (long)options.Seed),
    ]).Concat(CheckpointExtras.Windows(Model)).Concat(
        from o in Task.Optimizers.Skip(1)
        from kv in o.Optimizer.StateDict()
        select KeyValuePair.Create(o.Prefix + kv.Key, HostTensor.From(kv.Value))));

    /// <summary>The task's samples of the first test examples (pix2pix: a PNG grid next to <paramref name="checkpointPath"/>).</summary>
    public void WriteSamples(string checkpointPath, int examples = 8)
    {
        if (!Task.HasSamples)
            return;
        var (input, target) = data.TestBatches(examples).First();
        using (input)
        using (target)
            Task.WriteSamples(checkpointPath, Epoch, (input, target));
    }

    /// <summary>Releases the optimizers' state.</summary>
    public void Dispose() => Task.Dispose();
}
