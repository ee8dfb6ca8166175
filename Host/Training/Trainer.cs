using QSparse.Nn.Data;
using QSparse.Scheduling;

namespace QSparse.Host.Training;

/// <summary>
/// The seed's training recipe on a data folder: the network of a <see cref="NetworkConfig"/>, Adadelta,
/// StepLR stepped once per epoch, each epoch's examples in <see cref="BatchOrder"/>. Everything a
/// checkpoint must hold to resume bit-identically is saved by <see cref="Save"/>: weights and QSPARSE
/// state, optimizer state, the completed epochs and steps, the LR schedule, the dropout generator's offset and
/// the QSPARSE layers' collection windows.
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly TrainOptions options;
    readonly Device device;
    readonly DataLoader<LabeledImage> train;
    readonly IDataset<LabeledImage> test;
    readonly Generator generator;
    readonly Adadelta optimizer;
    readonly StepLR schedule;

    /// <summary>A fresh run: the network initialised from <see cref="TrainOptions.Seed"/>.</summary>
    public Trainer(Device device, TrainOptions options, MnistFolder data)
    {
        if (options.BatchSize < 1 || options.EvalBatchSize < 1 || options.Epochs < 1 || options.Window < 1)
            throw new ArgumentException("--batch-size, --epochs and --window must be at least 1");
        if (options.LimitTrain is < 1 || options.LimitTest is < 1)
            throw new ArgumentException("--limit-train and --limit-test must be at least 1");
        this.options = options;
        this.device = device;
        TrainCount = Math.Min(options.LimitTrain ?? data.Train.Count, data.Train.Count);
        if (TrainCount == 0)
            throw new InvalidDataException("the training set is empty");
        train = new DataLoader<LabeledImage>(Transform.Images(data.Train, data.Normalization), options.BatchSize, seed: options.Seed, limit: TrainCount);
        test = Transform.Images(data.Test, data.Normalization);
        Config = new NetworkConfig(options.Mode, options.Prune, options.Order, options.Window, options.FuseBn,
            (TrainCount + options.BatchSize - 1) / options.BatchSize);
        generator = new Generator(options.Seed);
        Model = SeedNetwork.Create(device, Config, generator);
        optimizer = new Adadelta(Model.Parameters(), options.Lr);
        schedule = new StepLR(options.Lr, 1, options.Gamma);
    }

    /// <summary>The network being trained.</summary>
    public MnistNet Model { get; }

    /// <summary>The network's configuration, E included.</summary>
    public NetworkConfig Config { get; }

    /// <summary>Training examples per epoch.</summary>
    public int TrainCount { get; }

    /// <summary>E, training steps per epoch.</summary>
    public int StepsPerEpoch => Config.StepsPerEpoch;

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; private set; }

    /// <summary>Completed training steps.</summary>
    public long Step { get; private set; }

    /// <summary>The learning rate of the current epoch.</summary>
    public double Lr => schedule.Lr;

    /// <summary>
    /// Continues the run saved at <paramref name="path"/>: its network configuration must match this
    /// run's (else an error naming the difference), and the weights, QSPARSE state, optimizer, schedule,
    /// epoch, step, dropout stream and QSPARSE windows are restored.
    /// </summary>
    public void Resume(string path)
    {
        var checkpoint = CheckpointFile.Read(path);
        var saved = checkpoint.Config;
        if (saved != Config)
            throw new InvalidOperationException(
                $"{path}: the checkpoint was trained with {Describe(saved)}, this run asks for {Describe(Config)}; pass the same flags to resume");
        var extras = checkpoint.LoadInto(Model, optimizer);
        Epoch = (int)CheckpointExtras.ReadInt64(extras, "epoch", path);
        Step = CheckpointExtras.ReadInt64(extras, "step", path);
        schedule.LoadState((int)CheckpointExtras.ReadInt64(extras, "lr_last_epoch", path));
        generator.Offset = (ulong)CheckpointExtras.ReadInt64(extras, "generator_offset", path);
        CheckpointExtras.RestoreWindows(Model, extras);
    }

    static string Describe(NetworkConfig c) =>
        $"--mode {TrainOptions.Spell(c.Mode)} --prune {TrainOptions.Spell(c.Prune)} --order {TrainOptions.Spell(c.Order)} --window {c.Window}{(c.FuseBn ? " --fuse-bn" : "")} and {c.StepsPerEpoch} steps per epoch";

    /// <summary>
    /// Trains one epoch: forward, zero-grad, backward, update for each batch of this epoch's order;
    /// <paramref name="onStep"/> gets the step count and the batch's loss after each step.
    /// NOTE: losses stay on the device and are read every <see cref="LossReadInterval"/> steps, so a
    /// step does not wait for the device (one synchronisation per interval instead of per step).
    /// </summary>
    public void TrainEpoch(Action<long, double> onStep)
    {
        optimizer.Lr = schedule.Lr;
        Model.Train();
        var pending = new List<(long Step, Tensor Loss)>();
        foreach (var batch in train.Epoch(Epoch))
        {
            if (Config.FuseBn && Step >= Model.FoldStep)
                Model.FoldBatchNorm();
            using (new TensorScope())
            {
                var x = Batch.ToDevice(device, [.. batch.Select(e => e.Image)]);
                var y = Batch.Labels(device, batch);
                pending.Add((Step + 1, TrainingStep.Run(Model, optimizer, x, y).Clone().DetachFromScope()));
            }
            Step++;
            if (pending.Count == LossReadInterval)
                ReportLosses(pending, onStep);
        }
        ReportLosses(pending, onStep);
        optimizer.ZeroGrad();
        schedule.Step();
        Epoch++;
    }

    /// <summary>Steps between reads of the training loss from the device.</summary>
    public const int LossReadInterval = 10;

    static void ReportLosses(List<(long Step, Tensor Loss)> pending, Action<long, double> onStep)
    {
        foreach (var (step, loss) in pending)
        {
            onStep(step, loss.Item());
            loss.Dispose();
        }
        pending.Clear();
    }

    /// <summary>Evaluates on the test set: the first <see cref="TrainOptions.LimitTest"/> examples unless <paramref name="full"/>.</summary>
    public Evaluation Evaluate(bool full) => Evaluation.Run(Model, test, options.EvalBatchSize, full ? null : options.LimitTest);

    /// <summary>Writes the checkpoint (atomically: a failure leaves an existing file as it was).</summary>
    public void Save(string path) => Checkpoint.Save(path, Model, optimizer, Config.ToExtras().Concat(
    [
        CheckpointExtras.Int64("epoch", Epoch), CheckpointExtras.Int64("step", Step), CheckpointExtras.Int64("lr_last_epoch", schedule.LastEpoch),
        CheckpointExtras.Int64("generator_offset", (long)generator.Offset), CheckpointExtras.Int64("seed", (long)options.Seed),
    ]).Concat(CheckpointExtras.Windows(Model)));

    /// <summary>Releases the optimizer state.</summary>
    public void Dispose() => optimizer.Dispose();
}
