namespace QSparse.Host.Training;

/// <summary>
/// How long a <c>--recipe</c> trains a model: epochs, examples per epoch, batch, test examples between epochs. The
/// QSPARSE schedule (SPEC.md §11, units of E) ends with the last pruning step at 7E in either order, so every recipe
/// runs at least 8 epochs: each event happens and the network recovers for an epoch after the last one.
/// </summary>
/// <param name="Epochs">Epochs to train.</param>
/// <param name="LimitTrain">Training examples per epoch (null: all).</param>
/// <param name="LimitTest">Test examples of the evaluations between epochs (null: all).</param>
/// <param name="LimitFinalTest">Test examples of the evaluation after the last epoch (null: all).</param>
/// <param name="BatchSize">Examples per step.</param>
/// <param name="Gamma">The seed recipe's StepLR decay per epoch.</param>
/// <param name="FuseBn">Fold BatchNorm when quantization starts, unless --fuse-bn says otherwise (when quantizing; ESPCN has no BatchNorm).</param>
public sealed record RunSize(int Epochs, int? LimitTrain, int? LimitTest, int? LimitFinalTest, int BatchSize, double Gamma, bool FuseBn)
{
    /// <summary>The recipes' names: quickstart (the default), quick and full.</summary>
    public static readonly string[] Recipes = ["quickstart", "quick", "full"];

    /// <summary>
    /// The size of <paramref name="recipe"/> for <paramref name="model"/>. quickstart is the seed's quickstart for mnist (a few
    /// minutes) and quick for the others; quick is sized to finish in at most ten minutes on two CPU cores; full is the
    /// upstream example's run on the whole training set.
    /// </summary>
    public static RunSize For(string recipe, ModelKind model) => (recipe, model) switch
    {
        ("full", ModelKind.Mnist) => new(14, null, null, null, 64, 0.7, false),
        ("full", ModelKind.Espcn) => new(200, null, null, null, 16, 0.7, false),
        ("full", ModelKind.Pix2pix) => new(200, null, null, null, 1, 0.7, false),
        ("full", _) => new(200, null, null, null, 128, 0.7, false),
        (_, ModelKind.Mnist) => new(10, 7680, 1000, null, 64, 0.95, true),
        (_, ModelKind.Resnet20) => new(8, 2560, 1000, null, 64, 0.7, false),
        (_, ModelKind.Resnet18) => new(8, 384, 200, 1000, 32, 0.7, false),
        (_, ModelKind.Mobilenetv2) => new(8, 768, 500, 2000, 64, 0.7, false),
        (_, ModelKind.Espcn) => new(8, 12800, 1000, null, 16, 0.7, false),
        (_, ModelKind.Pix2pix) => new(8, 384, 200, 1000, 8, 0.7, false),
        _ => throw new ArgumentException($"unknown --recipe '{recipe}': expected one of {string.Join(", ", Recipes)}"),
    };

    /// <summary>
    /// Examples per evaluation step for <paramref name="model"/> (only speed and memory depend on it): 1000, but 100 for
    /// ResNet-18 and MobileNetV2, whose activations at 1000 images (a tensor scope keeps every step's until the batch ends)
    /// outgrow a 24 GB machine.
    /// </summary>
    public static int EvalBatchSize(ModelKind model) => model is ModelKind.Resnet18 or ModelKind.Mobilenetv2 ? 100 : 1000;
}
