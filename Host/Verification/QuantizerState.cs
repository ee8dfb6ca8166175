namespace QSparse.Host.Verification;

/// <summary>The integer replay's reads of QSPARSE layers' state from the state dict: decimals, bits, masks.</summary>
static class QuantizerState
{
    /// <summary>A quantizer's decimals (as integers) and bits; null when the state has none; an error when it has not quantized yet.</summary>
    public static (int[] Decimals, int Bits)? Quantizer(IReadOnlyDictionary<string, HostTensor> state, string path)
    {
        if (!state.TryGetValue($"{path}.decimal", out var decimals) || decimals.DType != DType.Float32)
            return null;
        if (!state[$"{path}._quantized"].AsBools()[0])
            throw new InvalidOperationException($"{path} has not quantized yet (the checkpoint stops before its timeout): nothing to replay in integers");
        return (decimals.AsFloats().Select(d => (int)d).ToArray(), state[$"{path}.bits"].AsInts()[0]);
    }

    /// <summary>An activation quantizer's single decimal and bits (the replay keeps one decimal per activation).</summary>
    public static (int Decimal, int Bits)? ActivationQuantizer(IReadOnlyDictionary<string, HostTensor> state, string path) =>
        Quantizer(state, path) switch
        {
            null => null,
            ({ Length: 1 } d, var bits) => (d[0], bits),
            var (d, _) => throw new InvalidOperationException($"verify-int needs one decimal per activation quantizer; {path} has {d.Length} (channelwise = -1)"),
        };

    /// <summary>The product of the masks of the pruners among <paramref name="operators"/>, or null when there are none.</summary>
    public static bool[]? Mask(IEnumerable<QSparseLayer> operators, ModelTrace trace, IReadOnlyDictionary<string, HostTensor> state)
    {
        bool[]? mask = null;
        foreach (var pruner in operators.OfType<PruneLayer>())
        {
            var m = state[$"{trace.PathOf(pruner)}.mask"].AsBools();
            mask = mask == null ? m : mask.Length == m.Length
                ? mask.Zip(m, (a, b) => a && b).ToArray()
                : throw new InvalidOperationException($"verify-int cannot combine masks of {mask.Length} and {m.Length} entries ({trace.PathOf(pruner)})");
        }
        return mask;
    }
}
