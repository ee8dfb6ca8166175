namespace QSparse.Nn;

/// <summary>
/// How a QuantizeLayer quantizes (QSPARSE's QuantizeCallback): the extension point for other
/// quantization schemes. <see cref="LinearQuantizer"/> is the built-in one.
/// </summary>
public interface IQuantizeCallback
{
    /// <summary>
    /// Q(input) with <paramref name="bits"/> total bits and fractional bits <paramref name="decimals"/>
    /// (float32 [C] with C = input.Shape[channelIndex], or [1] when <paramref name="channelIndex"/> &lt; 0);
    /// differentiable w.r.t. <paramref name="input"/> (straight-through estimator).
    /// </summary>
    Tensor Quantize(Tensor input, int bits, Tensor decimals, int channelIndex);

    /// <summary>
    /// The decimal bits minimising sum((xs - Q(xs, d))²) over d in [lo, hi) (ties: smallest d), one per
    /// channel along <paramref name="channelIndex"/> (or one when &lt; 0), over all tensors of
    /// <paramref name="window"/>; xs is x clamped to its (q_l, q_u) quantiles unless the range is (0, 1).
    /// Returns float32 [C] (or [1]).
    /// </summary>
    Tensor SearchDecimal(IReadOnlyList<Tensor> window, int bits, int channelIndex, (int Lo, int Hi) decimalRange,
        (double Lower, double Upper) saturateRange);
}
