using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// 2-D convolution: forward, backward-data (also the forward pass of a transposed convolution) and
/// backward-weight, plus the im2col/col2im pair the base backend builds them from.
/// </summary>
public static class ConvKernels
{
    /// <summary>Unfolds x [N, C, H, W] into col [C·KH·KW, N·OutH·OutW].</summary>
    public static void Im2Col(Device d, ArrayView<float> x, ArrayView<float> col, ConvGeometry g) => d.Backend.Im2Col(x, col, g);

    /// <summary>Folds col [C·KH·KW, N·OutH·OutW] back into x [N, C, H, W], summing overlaps (or adding onto x).</summary>
    public static void Col2Im(Device d, ArrayView<float> col, ArrayView<float> x, ConvGeometry g, bool accumulate = false) =>
        d.Backend.Col2Im(col, x, g, accumulate);

    /// <summary>y [N, OutC, OutH, OutW] = conv(x [N, C, H, W], w [OutC, C / groups, KH, KW]) + bias [OutC].</summary>
    public static void Forward(Device d, ArrayView<float> x, ArrayView<float> w, ArrayView<float>? bias,
        ArrayView<float> y, ConvGeometry g) => d.Backend.ConvForward(x, w, bias, y, g);

    /// <summary>
    /// x [N, C, H, W] = convᵀ(gy [N, OutC, OutH, OutW], w [OutC, C / groups, KH, KW]) + bias [C]: the gradient
    /// of <see cref="Forward"/> with respect to its input, and the forward pass of a transposed convolution.
    /// </summary>
    public static void BackwardData(Device d, ArrayView<float> gy, ArrayView<float> w, ArrayView<float>? bias,
        ArrayView<float> x, ConvGeometry g) => d.Backend.ConvBackwardData(gy, w, bias, x, g);

    /// <summary>gw [OutC, C / groups, KH, KW] = the gradient of <see cref="Forward"/> with respect to w, given x and gy.</summary>
    public static void BackwardWeight(Device d, ArrayView<float> x, ArrayView<float> gy, ArrayView<float> gw, ConvGeometry g) =>
        d.Backend.ConvBackwardWeight(x, gy, gw, g);
}
