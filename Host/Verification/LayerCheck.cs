namespace QSparse.Host.Verification;

/// <summary>
/// What verify-int found for one layer of the network: the largest difference between the integer
/// replay and the float pipeline, at the layer's accumulation (its output before the next operator) and
/// at its output quantizer, and the facts that qualify it; or for a quantizer that follows no layer directly
/// (the input quantizer, one after a residual add or a ReLU), the difference at its output.
/// </summary>
/// <param name="Layer">The module path of the quantizer or of the layer: "qin", "conv1", "conv2", "fc1", "fc2" in the seed network.</param>
/// <param name="Elements">Output elements compared.</param>
/// <param name="AccumulationDiff">Max |integer accumulation + bias, × 2^-decimal − float output of the layer|; null for qin.</param>
/// <param name="OutputDiff">Max |integer output × 2^-d_out − float output of the output quantizer|; null when not checked.</param>
/// <param name="Notes">Why something was not checked, and bounds worth knowing (int32 range, float32 exactness).</param>
public sealed record LayerCheck(string Layer, long Elements, double? AccumulationDiff, double? OutputDiff, IReadOnlyList<string> Notes)
{
    /// <summary>True when every checked difference is zero.</summary>
    public bool Exact => AccumulationDiff is null or 0 && OutputDiff is null or 0;
}
