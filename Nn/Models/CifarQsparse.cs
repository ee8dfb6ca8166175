using static QSparse.Nn.QSparseOps;

namespace QSparse.Nn;

/// <summary>
/// The QSPARSE operators a <see cref="QsparsePlan"/> adds to the CIFAR example's networks (<see cref="ResNet"/>,
/// <see cref="MobileNetV2"/> and their blocks), made as the upstream example's <c>create_p_q</c> makes them
/// (qsparse-examples cifar10/mobilenetv2.py) but on the plan's schedule: weight quantizers 8 bits, window 1,
/// timeout <see cref="QsparsePlan.WeightTimeout"/>, channel-wise along dim 1 (one decimal for a Linear), biases
/// left in full precision (upstream passes no <c>bias_bits</c>); activation quantizers 8 bits, one decimal,
/// timeout <see cref="QsparsePlan.ActivationTimeout"/>, the default decimal range; pruners sparsity 0.5 from
/// <see cref="QsparsePlan.PruneStart"/> every E steps, 3 times (upstream: every 15 epochs, 4 times), weights
/// with window 1; activation operators with window <see cref="QsparsePlan.Window"/> (upstream: 2048).
/// </summary>
internal sealed class CifarQsparse(QsparsePlan? plan)
{
    const double Sparsity = 0.5;
    const int Repetition = 3;

    readonly QsparsePlan plan = plan ?? new QsparsePlan();

    /// <summary>
    /// <paramref name="layer"/> with its weight pruned (when the plan prunes weights and <paramref name="prunable"/>),
    /// then quantized (when the plan quantizes) channel-wise along <paramref name="channelwise"/>: upstream's <c>q(p(layer))</c>.
    /// </summary>
    public T Weight<T>(T layer, bool prunable = true, int channelwise = 1) where T : Module
    {
        if (prunable && plan.PruneWeights)
            layer = Prune(layer, sparsity: Sparsity, start: plan.PruneStart, interval: plan.StepsPerEpoch, repetition: Repetition);
        return plan.Quantize ? Quantize(layer, bits: 8, channelwise: channelwise, timeout: plan.WeightTimeout) : layer;
    }

    /// <summary>An activation pruner when the plan prunes features, else null (upstream's <c>p()</c>).</summary>
    public PruneLayer? ActivationPrune(Device device) => plan.PruneFeatures
        ? Prune(sparsity: Sparsity, start: plan.PruneStart, interval: plan.StepsPerEpoch, repetition: Repetition,
            windowSize: plan.Window, device: device)
        : null;

    /// <summary>An activation quantizer when the plan quantizes, else null (upstream's <c>q()</c>).</summary>
    public QuantizeLayer? ActivationQuantize(Device device) => plan.Quantize
        ? Quantize(bits: 8, channelwise: -1, timeout: plan.ActivationTimeout, windowSize: plan.Window, device: device)
        : null;

    /// <summary>
    /// A network's <c>OutputOf</c>: its own operators (qin on the input, p1/q1 on conv1 through bn1, q2 on the pooled
    /// features) and, for each (block, i, layer), the block's p{i} and q{i} on that layer's output.
    /// </summary>
    public static Dictionary<string, string> OutputOf(IEnumerable<(string Block, int Index, string Layer)> pairs)
    {
        var map = new Dictionary<string, string> { ["qin"] = "input (qin)", ["p1"] = "conv1", ["q1"] = "conv1", ["q2"] = "avgpool" };
        foreach (var (block, i, layer) in pairs)
            map[$"{block}.p{i}"] = map[$"{block}.q{i}"] = layer;
        return map;
    }

    /// <summary><paramref name="m"/> called on <paramref name="x"/>, or <paramref name="x"/> when the plan left the operator out.</summary>
    public static Tensor Apply(Module? m, Tensor x) => m?.Call(x) ?? x;

    /// <summary>q(p(x)), skipping what the plan left out: an activation's pruner, then its quantizer.</summary>
    public static Tensor Apply(Module? p, Module? q, Tensor x) => Apply(q, Apply(p, x));
}
