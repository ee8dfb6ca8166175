using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// The linear quantizer Q(x, N, d) with one d per channel of x viewed as [outer, C, inner], its
/// clipped straight-through gradient, and the decimal-bit search.
/// </summary>
public static class QuantizeKernels
{
    /// <summary>y = Q(x) with decimals[channel of i] fractional bits.</summary>
    public static void Forward(Device d, ArrayView<float> x, ArrayView<float> decimals, ArrayView<float> y,
        ChannelShape shape, QuantizeParams q) => d.Backend.QuantizeForward(x, decimals, y, shape, q);

    /// <summary>gradIn = clamp(gradOut, Min·2^-d, Max·2^-d) with each element's channel's d.</summary>
    public static void Backward(Device d, ArrayView<float> gradOut, ArrayView<float> decimals, ArrayView<float> gradIn,
        ChannelShape shape, QuantizeParams q) => d.Backend.QuantizeBackward(gradOut, decimals, gradIn, shape, q);

    /// <summary>
    /// Writes x (shape [outer, C, inner] as <paramref name="shape"/>) into columns
    /// [offset, offset + outer·inner) of the channel-major rows y [C, rowLength].
    /// </summary>
    public static void GatherChannels(Device d, ArrayView<float> x, ArrayView<float> y, ChannelShape shape,
        int rowLength, int offset) => d.Backend.GatherChannels(x, y, shape, rowLength, offset);

    /// <summary>
    /// For each of the <paramref name="segments"/> rows of x [segments, length], writes to decimals [segments]
    /// the d in [lo, hi) minimising sum((xs - Q(xs, d))²), ties to the smallest d; xs is the row clamped
    /// to bounds [segments, 2] (lower, upper) when <paramref name="bounds"/> is given.
    /// </summary>
    public static void SearchDecimal(Device d, ArrayView<float> x, int segments, int length, ArrayView<float>? bounds,
        int lo, int hi, QuantizeParams q, ArrayView<float> decimals) =>
        d.Backend.SearchDecimal(x, segments, length, bounds, lo, hi, q, decimals);
}
