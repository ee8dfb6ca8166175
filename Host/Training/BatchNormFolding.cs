namespace QSparse.Host.Training;

/// <summary>
/// --fuse-bn for any network: each BatchNorm after a Conv2d, Linear or ConvTranspose2d is folded into it
/// (<see cref="QSparseOps.FuseBn"/>, QSPARSE's rule: the next leaf module in registration order) just before the
/// first quantizer collects its window, so every decimal is searched on the folded network.
/// <para>
/// Under --fuse-bn the CIFAR classifiers (ResNet, MobileNetV2) quantize every bias with <see cref="BiasBits"/> bits, as the seed
/// network always does: the plan's for a layer built with a bias, FuseBn's for the bias the fold creates; so the folded network
/// replays in integers (verify-int). ESPCN and pix2pix keep upstream's full-precision biases: their Tanh and LeakyReLU cannot
/// be replayed in integers anyway.
/// </para>
/// </summary>
public static class BatchNormFolding
{
    /// <summary>The bias bits under --fuse-bn (the seed's <c>bias_bits=20</c>).</summary>
    public const int BiasBits = 20;

    /// <summary>What <paramref name="config"/>'s network adds: its plan, with <see cref="BiasBits"/> for a CIFAR classifier under --fuse-bn.</summary>
    public static QsparsePlan Plan(NetworkConfig config) =>
        config.FuseBn && config.Model is ModelKind.Resnet20 or ModelKind.Resnet18 or ModelKind.Mobilenetv2
            ? config.NetworkOptions with { BiasBits = BiasBits }
            : config.NetworkOptions;

    /// <summary>
    /// The first training step at which a quantizer of <paramref name="network"/> collects its window (timeout - window_size + 1,
    /// the earliest over all quantizers; never without quantizers).
    /// </summary>
    public static long FoldStep(Module network) => network.NamedModules().Select(m => m.Module).OfType<QuantizeLayer>()
        .Select(q => Math.Max(0L, q.Timeout - q.WindowSize + 1)).DefaultIfEmpty(long.MaxValue).Min();

    /// <summary>True when no BatchNorm is left in <paramref name="network"/>.</summary>
    public static bool Folded(Module network) => !network.NamedModules().Any(m => m.Module is BatchNorm);

    /// <summary>
    /// Folds the BatchNorms of <paramref name="network"/> that follow a layer (one already folded is left as it is), and gives
    /// <paramref name="optimizer"/> the parameters the fold created (the biases of bias-less layers, which take over the
    /// BatchNorms' shifts) as a new parameter group at the current learning rate, so they go on training.
    /// </summary>
    public static void Fold(Module network, Optimizer? optimizer)
    {
        // NOTE: the trainer calls this every step from the fold step on; once no BatchNorm is left there is nothing to do.
        if (Folded(network))
            return;
        if (network is MnistNet seed)
            seed.FoldBatchNorm();
        else
            QSparseOps.FuseBn(network, biasBits: network is ResNet or MobileNetV2 ? BiasBits : -1);
        if (optimizer == null)
            return;
        var optimized = new HashSet<Tensor>(optimizer.Parameters, ReferenceEqualityComparer.Instance);
        var created = network.Parameters().Where(p => !optimized.Contains(p)).ToList();
        if (created.Count > 0)
            optimizer.AddParamGroup(new ParamGroup(created, lr: optimizer.ParamGroups[^1].Lr));
    }

    /// <summary>
    /// Gives <paramref name="network"/> (the part <paramref name="predictor"/> of it that --fuse-bn folds) the structure of the
    /// checkpoint whose keys are <paramref name="stateKeys"/>: a run saved after the fold lacks the BatchNorm entries, so
    /// the fresh network is folded too (loading the state then overwrites every folded weight and bias), and
    /// <paramref name="optimizer"/> takes the created parameters as the run did.
    /// </summary>
    public static void MatchCheckpoint(Module network, Module predictor, IReadOnlySet<string> stateKeys, Optimizer? optimizer)
    {
        if (network.StateDict().Any(kv => kv.Key.EndsWith(".running_mean", StringComparison.Ordinal) && !stateKeys.Contains(kv.Key)))
            Fold(predictor, optimizer);
    }
}
