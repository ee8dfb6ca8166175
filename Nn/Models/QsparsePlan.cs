namespace QSparse.Nn;

/// <summary>
/// What QSPARSE adds to one of the networks of Nn/Models (<see cref="MnistNet"/> and the others), with the
/// seed's schedule (SPEC.md §11) in units of E = <see cref="StepsPerEpoch"/>; the default adds nothing (full
/// precision). Each network's doc says which of its layers each flag touches.
/// </summary>
/// <param name="Quantize">Quantize the input, the weights and the activations.</param>
/// <param name="PruneWeights">Prune the weights of the network's prunable layers.</param>
/// <param name="PruneFeatures">Prune the activations.</param>
/// <param name="QuantizeFirst">Quantization starts first (weights at 2E, activations at 3E, pruning from 4E); else pruning (from 2E; weights at 6E, activations at 7E).</param>
/// <param name="Window">The activation quantizers' and pruners' window size.</param>
/// <param name="StepsPerEpoch">E, the schedule's unit.</param>
public sealed record QsparsePlan(bool Quantize = false, bool PruneWeights = false, bool PruneFeatures = false,
    bool QuantizeFirst = true, int Window = 8, int StepsPerEpoch = 1)
{
    /// <summary>
    /// The bits of the bias quantizers (<c>bias_bits</c>) the networks of Nn/Models give their weight-quantized layers that have a
    /// bias; -1 (default, as upstream, which passes none): biases stay in full precision. A layer without a bias gets none: FuseBn
    /// quantizes the bias it creates when asked (<see cref="QSparseOps.FuseBn"/>'s biasBits). <see cref="MnistNet"/> ignores it (20 bits, the seed's).
    /// </summary>
    public int BiasBits { get; init; } = -1;

    /// <summary>Step of the activation quantizers' decimal search.</summary>
    public int ActivationTimeout => (QuantizeFirst ? 3 : 7) * StepsPerEpoch;

    /// <summary>Step of the weight quantizers' decimal search.</summary>
    public int WeightTimeout => (QuantizeFirst ? 2 : 6) * StepsPerEpoch;

    /// <summary>The pruners' start; they prune at start + E, + 2E, ... <see cref="PruneRepetition"/> times.</summary>
    public int PruneStart => (QuantizeFirst ? 4 : 2) * StepsPerEpoch;

    /// <summary>How many times the pruners raise their sparsity (every E steps from <see cref="PruneStart"/>; SPEC.md §11: 3).</summary>
    public int PruneRepetition => 3;
}
