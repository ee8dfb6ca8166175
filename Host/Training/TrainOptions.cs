namespace QSparse.Host.Training;

/// <summary>The settings of one <c>qsparse train</c> run (the seed's recipe by default, SPEC.md §11).</summary>
public sealed record TrainOptions
{
    /// <summary>The network.</summary>
    public ModelKind Model { get; init; } = ModelKind.Mnist;

    /// <summary>The super-resolution factor (2 or 3; the other tasks ignore it).</summary>
    public int Scale { get; init; } = 2;

    /// <summary>What QSPARSE does.</summary>
    public TrainMode Mode { get; init; } = TrainMode.QuantizePrune;

    /// <summary>What the pruners act on.</summary>
    public PruneTarget Prune { get; init; } = PruneTarget.Both;

    /// <summary>Which of quantization and pruning starts first.</summary>
    public QsparseOrder Order { get; init; } = QsparseOrder.QuantizeFirst;

    /// <summary>The activation quantizers' and pruners' window size.</summary>
    public int Window { get; init; } = 8;

    /// <summary>Fold each BatchNorm into the layer before it when quantization starts.</summary>
    public bool FuseBn { get; init; }

    /// <summary>Epochs to train, counting those a resumed checkpoint already did.</summary>
    public int Epochs { get; init; } = 14;

    /// <summary>Examples per training step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Examples per evaluation step (only the speed depends on it).</summary>
    public int EvalBatchSize { get; init; } = 1000;

    /// <summary>The learning rate at epoch 0; null: the model's recipe's (<see cref="Recipes.DefaultLr"/>).</summary>
    public double? Lr { get; init; }

    /// <summary>The seed recipe's StepLR decay per epoch.</summary>
    public double Gamma { get; init; } = 0.7;

    /// <summary>pix2pix's weight of the L1 loss.</summary>
    public double LambdaL1 { get; init; } = 100;

    /// <summary>Seeds the initial weights, the dropout masks and each epoch's example order.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Training examples per epoch, the first of each epoch's shuffle of the whole set; null: all.</summary>
    public int? LimitTrain { get; init; }

    /// <summary>Test examples of the evaluations after each epoch but the last; null: all.</summary>
    public int? LimitTest { get; init; }

    /// <summary>Test examples of the evaluation after the last epoch; null: all.</summary>
    public int? LimitFinalTest { get; init; }

    /// <summary>The options that build the network and the data of a checkpoint's <paramref name="config"/> (for eval and verify-int).</summary>
    public static TrainOptions ForCheckpoint(NetworkConfig config) => new()
    {
        Model = config.Model, Scale = Math.Max(config.Scale, 2), Mode = config.Mode, Prune = config.Prune, Order = config.Order, Window = config.Window,
        FuseBn = config.FuseBn,
    };

    /// <summary>The spelling of an enum value on the command line: QuantizePrune → quantize+prune, PruneFirst → prune-first.</summary>
    public static string Spell<T>(T value) where T : struct, Enum =>
        value is TrainMode.QuantizePrune
            ? "quantize+prune"
            : string.Concat(value.ToString().Select((c, i) => (char.IsUpper(c) && i > 0 ? "-" : "") + char.ToLowerInvariant(c)));

    /// <summary>The value of <typeparamref name="T"/> spelled <paramref name="text"/> on the command line; an unknown spelling is an error listing the choices.</summary>
    public static T Parse<T>(string text, string option) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (Spell(v) == text.ToLowerInvariant())
                return v;
        throw new ArgumentException($"unknown {option} '{text}': expected one of {string.Join(", ", Choices<T>())}");
    }

    /// <summary>Every spelling of <typeparamref name="T"/>'s values.</summary>
    public static string[] Choices<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Spell).ToArray();
}
