namespace QSparse.Kernels;

/// <summary>
/// A 2-d pooling window over <see cref="Planes"/> planes (N·C) of H×W, producing OutH×OutW per plane.
/// Window (oh, ow) covers rows oh·StrideH - PadH + kh·DilationH for kh &lt; KernelH (likewise columns).
/// Average pooling also reads <see cref="CountIncludePad"/> and <see cref="DivisorOverride"/>; adaptive
/// pooling reads only the sizes (its windows follow from them, see <see cref="AdaptiveStart"/>).
/// </summary>
public struct Pool2dShape
{
    public int Planes, H, W, OutH, OutW;
    public int KernelH, KernelW, StrideH, StrideW, PadH, PadW, DilationH, DilationW;

    /// <summary>Average pooling: 1 to divide by the window's size counting the padding, 0 to count only the input it covers.</summary>
    public int CountIncludePad;

    /// <summary>Average pooling: the divisor of every window, or 0 for the window's own (PyTorch's divisor_override).</summary>
    public int DivisorOverride;

    /// <summary>PyTorch's output extent: floor (or ceil) of (in + 2·pad - dilation·(kernel - 1) - 1)/stride + 1.</summary>
    public static int OutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        int span = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        // NOTE: floor division, as PyTorch's div_rtn: a kernel larger than the padded input gives size 0, not 1.
        int size = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1;
        // NOTE: with ceil_mode the last window must still start inside the input or left padding.
        if (ceilMode && (size - 1) * stride >= input + pad)
            size--;
        return size;
    }

    public readonly int OutputCount => Planes * OutH * OutW;

    /// <summary>
    /// The divisor of average-pooling window (oh, ow), as PyTorch's CPU kernel counts it: the window clipped
    /// to the padded input (a ceil_mode window may reach past the right padding) or, without
    /// <see cref="CountIncludePad"/>, clipped to the input itself; <see cref="DivisorOverride"/> wins.
    /// </summary>
    public readonly int AvgDivisor(int oh, int ow)
    {
        if (DivisorOverride != 0)
            return DivisorOverride;
        int h0 = oh * StrideH - PadH, w0 = ow * StrideW - PadW;
        int h1 = Min(h0 + KernelH, H + PadH), w1 = Min(w0 + KernelW, W + PadW);
        if (CountIncludePad != 0)
            return (h1 - h0) * (w1 - w0);
        return (Min(h1, H) - Max(h0, 0)) * (Min(w1, W) - Max(w0, 0));
    }

    /// <summary>The first input row (or column) of adaptive window <paramref name="o"/>: floor(o·in/out).</summary>
    public static int AdaptiveStart(int o, int input, int output) => o * input / output;

    /// <summary>One past the last input row (or column) of adaptive window <paramref name="o"/>: ceil((o + 1)·in/out).</summary>
    public static int AdaptiveEnd(int o, int input, int output) => ((o + 1) * input + output - 1) / output;

    static int Min(int a, int b) => a < b ? a : b;
    static int Max(int a, int b) => a > b ? a : b;
}
