namespace QSparse.Host.Reporting;

/// <summary>
/// One QSPARSE layer found in a state dict by its keys (SPEC.md §6): a quantizer has "{path}.decimal",
/// a pruner "{path}.mask". Weight operators sit under their layer ("conv2.prune", "fc1.quantize",
/// "fc1.quantize_bias"); any other path is an activation operator.
/// </summary>
/// <param name="Path">The QSPARSE layer's module path.</param>
/// <param name="Target">"weight", "bias" or "activation".</param>
/// <param name="Decimals">A quantizer's decimal bits (one per channel); null for a pruner or a quantizer that has not run.</param>
/// <param name="MaskSparsity">A pruner's fraction of switched-off mask entries; null for a quantizer.</param>
public sealed record QsparseLayerState(string Path, string Target, float[]? Decimals, double? MaskSparsity)
{
    /// <summary>Every QSPARSE layer of <paramref name="state"/>, in state-dict order.</summary>
    public static List<QsparseLayerState> FromStateDict(IEnumerable<KeyValuePair<string, HostTensor>> state)
    {
        var result = new List<QsparseLayerState>();
        foreach (var (key, value) in state)
        {
            // NOTE: before its first forward a QSPARSE layer holds int32 scalar placeholders (-1), not yet a decimal or a mask.
            if (key.EndsWith(".decimal", StringComparison.Ordinal))
            {
                var path = key[..^".decimal".Length];
                result.Add(new(path, TargetOf(path), value.DType == DType.Float32 ? value.AsFloats() : null, null));
            }
            else if (key.EndsWith(".mask", StringComparison.Ordinal))
            {
                var path = key[..^".mask".Length];
                double? sparsity = value.DType == DType.Bool && value.Numel > 0 ? value.Data.Count(b => b == 0) / (double)value.Numel : null;
                result.Add(new(path, TargetOf(path), null, sparsity ?? 0));
            }
        }
        return result;
    }

    static string TargetOf(string path) =>
        path.EndsWith(".quantize_bias", StringComparison.Ordinal) ? "bias"
        : path.EndsWith(".quantize", StringComparison.Ordinal) || path.EndsWith(".prune", StringComparison.Ordinal) ? "weight"
        : "activation";
}
