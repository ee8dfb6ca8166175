namespace QSparse.Kernels;

/// <summary>
/// A 2-d pooling window over <see cref="Planes"/> planes (N·C) of H×W, producing OutH×OutW per plane.
/// Window (oh, ow) covers rows oh·StrideH - PadH + kh·DilationH for kh &lt; KernelH (likewise columns).
/// </summary>
public struct Pool2dShape
{
    public int Planes, H, W, OutH, OutW;
    public int KernelH, KernelW, StrideH, StrideW, PadH, PadW, DilationH, DilationW;

    /// <summary>PyTorch's output extent: floor (or ceil) of (in + 2·pad - dilation·(kernel - 1) - 1)/stride + 1.</summary>
    public static int OutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        int span = input + 2 * pad - dilation * (kernel - 1) - 1;
        int size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        // NOTE: with ceil_mode the last window must still start inside the input or left padding.
        if (ceilMode && (size - 1) * stride >= input + pad)
            size--;
        return size;
    }

    public readonly int OutputCount => Planes * OutH * OutW;
}
