using static QSparse.Nn.QSparseOps;

namespace QSparse.Nn;

/// <summary>
/// The QSPARSE operators a <see cref="QsparsePlan"/> puts into the networks ported from qsparse-examples
/// (<see cref="Espcn"/>, <see cref="UnetGenerator"/>), as that repository's <c>create_p_q</c> makes them, with the
/// plan's schedule in place of the examples' epoch counts: activation quantizers 8 bits, one decimal, timeout
/// <see cref="QsparsePlan.ActivationTimeout"/>, window <see cref="QsparsePlan.Window"/>; weight quantizers 8 bits,
/// timeout <see cref="QsparsePlan.WeightTimeout"/>, window 1, bias in full precision; pruners sparsity 0.5 from
/// <see cref="QsparsePlan.PruneStart"/> every E steps, 4 times (upstream's repetition), window
/// <see cref="QsparsePlan.Window"/> for activations and 1 for weights. A slot the plan leaves empty is an
/// <see cref="Identity"/>, as upstream's <c>nn.Identity()</c> bypass, so Sequential indexes (and so state-dict
/// keys) are the same in every mode.
/// </summary>
/// <param name="plan">The mode and schedule.</param>
/// <param name="device">Where the standalone operators' state lives.</param>
/// <param name="saturateRange">The activation quantizers' saturation quantiles; null for none.</param>
/// <param name="strict">False lets the activation pruners' masks expand to larger evaluation inputs.</param>
internal sealed class PlanOperators(QsparsePlan plan, Device device, (double Lower, double Upper)? saturateRange, bool strict)
{
    const double Sparsity = 0.5;
    const int Repetition = 4;

    /// <summary>Upstream's <c>q()</c>: an activation quantizer, or an Identity without quantization.</summary>
    public Module Q() => plan.Quantize
        ? Quantize(channelwise: -1, saturateRange: saturateRange, timeout: plan.ActivationTimeout, windowSize: plan.Window, device: device)
        : new Identity(device);

    /// <summary>Upstream's <c>p()</c>: an activation pruner, or an Identity without feature pruning.</summary>
    public Module P() => plan.PruneFeatures
        ? Prune(sparsity: Sparsity, start: plan.PruneStart, interval: plan.StepsPerEpoch, repetition: Repetition,
            windowSize: plan.Window, strict: strict, device: device)
        : new Identity(device);

    /// <summary>
    /// Upstream's <c>q(layer, c)</c> or <c>q(p(layer), c)</c> (<paramref name="prune"/>): the layer itself, its
    /// weight pruned when the plan prunes weights and <paramref name="prune"/> says upstream does here, then
    /// quantized per channel along weight dimension <paramref name="channelwise"/> when the plan quantizes.
    /// </summary>
    public T Weights<T>(T layer, bool prune, int channelwise = 1) where T : Module
    {
        if (prune && plan.PruneWeights)
            layer = Prune(layer, sparsity: Sparsity, start: plan.PruneStart, interval: plan.StepsPerEpoch, repetition: Repetition);
        return plan.Quantize ? Quantize(layer, channelwise: channelwise, timeout: plan.WeightTimeout) : layer;
    }
}
