using static QSparse.Nn.QSparseOps;

namespace QSparse.Nn;

/// <summary>
/// The QSPARSE operators a <see cref="QsparsePlan"/> puts into the networks ported from qsparse-examples
/// (<see cref="ResNet"/>, <see cref="MobileNetV2"/>, <see cref="Espcn"/>, <see cref="UnetGenerator"/> and their
/// blocks), as that repository's <c>create_p_q</c> makes them, with the plan's schedule in place of the examples'
/// epoch counts: activation quantizers 8 bits, one decimal, timeout <see cref="QsparsePlan.ActivationTimeout"/>,
/// window <see cref="QsparsePlan.Window"/>; weight quantizers 8 bits, timeout <see cref="QsparsePlan.WeightTimeout"/>,
/// window 1, the bias of a layer that has one with <see cref="QsparsePlan.BiasBits"/> (default none, as upstream); pruners sparsity 0.5 from
/// <see cref="QsparsePlan.PruneStart"/> every E steps, <see cref="QsparsePlan.PruneRepetition"/> times (upstream:
/// every 5 to 15 epochs, 4 times), window <see cref="QsparsePlan.Window"/> for activations and 1 for weights.
/// </summary>
/// <param name="plan">The mode and schedule (null: full precision, no operator at all).</param>
/// <param name="device">Where the standalone operators' state lives.</param>
/// <param name="saturateRange">The activation quantizers' saturation quantiles; null for none.</param>
/// <param name="strict">False lets the activation pruners' masks expand to larger evaluation inputs.</param>
internal sealed class PlanOperators(QsparsePlan? plan, Device device, (double Lower, double Upper)? saturateRange = null, bool strict = true)
{
    const double Sparsity = 0.5;

    readonly QsparsePlan plan = plan ?? new QsparsePlan();

    /// <summary>Upstream's <c>q()</c>: an activation quantizer when the plan quantizes, else null.</summary>
    public QuantizeLayer? ActivationQuantize() => plan.Quantize
        ? Quantize(channelwise: -1, saturateRange: saturateRange, timeout: plan.ActivationTimeout, windowSize: plan.Window, device: device)
        : null;

    /// <summary>Upstream's <c>p()</c>: an activation pruner when the plan prunes features, else null.</summary>
    public PruneLayer? ActivationPrune() => plan.PruneFeatures
        ? Prune(sparsity: Sparsity, start: plan.PruneStart, interval: plan.StepsPerEpoch, repetition: plan.PruneRepetition,
            windowSize: plan.Window, strict: strict, device: device)
        : null;

    /// <summary><see cref="ActivationQuantize"/> or, as upstream's <c>nn.Identity()</c> bypass, an Identity (keeps Sequential indexes, so keys, the same in every mode).</summary>
    public Module Q() => (Module?)ActivationQuantize() ?? new Identity(device);

    /// <summary><see cref="ActivationPrune"/> or an Identity (see <see cref="Q"/>).</summary>
    public Module P() => (Module?)ActivationPrune() ?? new Identity(device);

    /// <summary>
    /// Upstream's <c>q(layer, c)</c> or <c>q(p(layer), c)</c> (<paramref name="prune"/>): the layer itself, its
    /// weight pruned when the plan prunes weights and <paramref name="prune"/> says upstream does here, then
    /// quantized per channel along weight dimension <paramref name="channelwise"/> when the plan quantizes (and its bias, when it
    /// has one, with the plan's <see cref="QsparsePlan.BiasBits"/>).
    /// </summary>
    public T Weights<T>(T layer, bool prune = true, int channelwise = 1) where T : Module
    {
        if (prune && plan.PruneWeights)
            layer = Prune(layer, sparsity: Sparsity, start: plan.PruneStart, interval: plan.StepsPerEpoch, repetition: plan.PruneRepetition);
        return plan.Quantize
            ? Quantize(layer, channelwise: channelwise, timeout: plan.WeightTimeout, biasBits: layer.HasParameter("bias") ? plan.BiasBits : -1)
            : layer;
    }

    /// <summary><paramref name="m"/> called on <paramref name="x"/>, or <paramref name="x"/> when the plan left the operator out.</summary>
    public static Tensor Apply(Module? m, Tensor x) => m?.Call(x) ?? x;

    /// <summary>q(p(x)), skipping what the plan left out: an activation's pruner, then its quantizer.</summary>
    public static Tensor Apply(Module? p, Module? q, Tensor x) => Apply(q, Apply(p, x));
}
