namespace QSparse.Host.Verification;

/// <summary>
/// One Conv2d, ConvTranspose2d or Linear in integers: int8 weights (truncated, clamped, masked as the quantizers do) aligned to
/// max d_w, the exact accumulation at d_in + max d_w, and the bias aligned with it at the finer decimal, rounded
/// where float32 rounds that sum. Its output is the accumulation: an output quantizer, if any, is a later step.
/// </summary>
static class LayerReplay
{
    /// <summary>The layer's check (accumulation only) and its output: unquantized integers at one decimal (the finest of its channels).</summary>
    public static (LayerCheck Check, IntegerValue Output) Run(ModuleCall call, ModelTrace trace, IntegerValue x, IReadOnlyDictionary<string, HostTensor> state)
    {
        string name = call.Path;
        var notes = new List<string>();
        var layer = LayerIntegers.Of(call, trace, state, "verify-int cannot replay");
        var geometry = Geometry.Of(call.Module, layer.WeightShape, x.Shape, call.OutputShape);
        int maxDw = layer.WeightDecimals.Max(), accDecimal = x.Decimal + maxDw;
        // Every weight aligned to max d_w, so one accumulator holds every product.
        var wi = layer.Weight.Select((q, i) => q << (maxDw - layer.WeightDecimal(i))).ToArray();
        var (bi, db) = layer.Bias is { } bias ? (bias, layer.BiasDecimals) : (new long[geometry.OutChannels], [accDecimal]);

        var (acc, worst) = geometry.Accumulate(x.Data, wi);
        notes.Add(worst <= int.MaxValue ? $"int32 accumulator: max Σ|x·w| = {worst}" : $"int32 accumulator OVERFLOWS: max Σ|x·w| = {worst}");
        // NOTE: float32 sums of these products are exact in any order while every partial sum stays below 2^24 units of 2^-(d_in + max d_w).
        if (worst >= 1 << 24)
            notes.Add($"float32 accumulation not guaranteed exact: Σ|x·w| = 2^{Math.Log2(worst):0.0} units > 2^24");

        // Bias and accumulator meet at the finer decimal F of each channel; the float pipeline rounds that sum to float32
        // (RoundToFloat); the output holds every channel at the finest F (exact left shifts).
        int plane = geometry.Plane, cout = geometry.OutChannels, finest = Math.Max(accDecimal, db.Max());
        var exact = new long[acc.Length];
        var rounded = new long[acc.Length];
        var layerOut = call.Output!.AsFloats();
        double accDiff = 0;
        for (int i = 0; i < acc.Length; i++)
        {
            int o = i / plane % cout, dbo = db[db.Length == 1 ? 0 : o], f = Math.Max(accDecimal, dbo);
            long sum = (acc[i] << (f - accDecimal)) + (bi[o] << (f - dbo)), r = FixedPoint.RoundToFloat(sum);
            accDiff = Math.Max(accDiff, Math.Abs(Math.ScaleB((double)r, -f) - layerOut[i]));
            exact[i] = sum << (finest - f);
            rounded[i] = r << (finest - f);
        }
        bool same = exact.AsSpan().SequenceEqual(rounded);
        return (new LayerCheck(name, acc.Length, accDiff, null, notes),
            new IntegerValue(rounded, call.OutputShape, finest, Quantized: false, same ? null : exact, same ? null : "the bias addition"));
    }
}
