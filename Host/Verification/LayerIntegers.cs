namespace QSparse.Host.Verification;

/// <summary>
/// A Conv2d, ConvTranspose2d or Linear layer's parameters as the integers its quantizers make of them, read from the
/// state dict: the weight Q(P(w)) (masked first, then 2^d in float32, exact, truncated toward zero, clamped to its
/// bits) at each element's own decimal, and the bias (bias_bits) at its decimals. What the integer replay aligns and
/// accumulates, and what an integer export stores.
/// </summary>
sealed record LayerIntegers(long[] Weight, int[] WeightShape, int[] WeightDecimals, int Channelwise, int WeightBits, long[]? Bias, int[] BiasDecimals)
{
    /// <summary>The decimal of weight element <paramref name="i"/> (row-major in <see cref="WeightShape"/>).</summary>
    public int WeightDecimal(int i)
    {
        if (WeightDecimals.Length == 1)
            return WeightDecimals[0];
        int stride = WeightShape.Skip(Channelwise + 1).Aggregate(1, (a, b) => a * b);
        return WeightDecimals[i / stride % WeightShape[Channelwise]];
    }

    /// <summary>The decimal of bias element <paramref name="o"/>.</summary>
    public int BiasDecimal(int o) => BiasDecimals[BiasDecimals.Length == 1 ? 0 : o];

    /// <summary>
    /// The integers of layer <paramref name="call"/>; <paramref name="cannot"/> begins the error for a layer that has none
    /// ("verify-int cannot replay").
    /// </summary>
    public static LayerIntegers Of(ModuleCall call, ModelTrace trace, IReadOnlyDictionary<string, HostTensor> state, string cannot)
    {
        string name = call.Path;
        var weight = state[$"{name}.weight"];
        var quantizer = call.WeightOperators.OfType<QuantizeLayer>().SingleOrDefault()
                        ?? throw new InvalidOperationException($"{name}'s weight is not quantized");
        var (dw, bits) = QuantizerState.Quantizer(state, trace.PathOf(quantizer)) ?? throw new InvalidOperationException($"{name}'s weight is not quantized");
        var mask = QuantizerState.Mask(call.WeightOperators, trace, state);
        var w = weight.AsFloats();
        var layer = new LayerIntegers(new long[w.Length], weight.Shape, dw, quantizer.Channelwise, bits, null, []);
        for (int i = 0; i < w.Length; i++)
            layer.Weight[i] = mask == null || mask[i] ? FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(w[i], layer.WeightDecimal(i))), bits) : 0;
        if (!state.TryGetValue($"{name}.bias", out var bias))
            return layer;
        var biasQuantizer = call.BiasOperators.OfType<QuantizeLayer>().SingleOrDefault();
        var (db, biasBits) = (biasQuantizer == null ? null : QuantizerState.Quantizer(state, trace.PathOf(biasQuantizer)))
                             ?? throw new InvalidOperationException($"{cannot} {call.Describe()} in integers: its bias is not quantized (bias_bits)");
        layer = layer with { BiasDecimals = db };
        return layer with { Bias = bias.AsFloats().Select((v, o) => FixedPoint.Clamp((long)MathF.Truncate(MathF.ScaleB(v, layer.BiasDecimal(o))), biasBits)).ToArray() };
    }
}
