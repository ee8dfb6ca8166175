namespace QSparse.Kernels;

/// <summary>
/// The shape of one 2-D convolution: input [N, C, H, W], weight [OutC, C / Groups, KH, KW], output
/// [N, OutC, OutH, OutW]; output channel o of group ⌊o / GroupOutC⌋ reads only that group's GroupC input
/// channels. A transposed convolution is described by the convolution whose backward-data it is, so its
/// output is this geometry's input (and its weight [in, out / groups, kh, kw] is this one's). Int fields
/// only: it is a kernel argument.
/// </summary>
public struct ConvGeometry
{
    /// <summary>Input batch, channels, height and width.</summary>
    public int N, C, H, W;

    /// <summary>Output channels, height and width.</summary>
    public int OutC, OutH, OutW;

    /// <summary>Kernel height and width.</summary>
    public int KH, KW;

    /// <summary>Step between output pixels, in input pixels.</summary>
    public int StrideH, StrideW;

    /// <summary>Implicit zeros on each side of the input.</summary>
    public int PadH, PadW;

    /// <summary>Spacing between kernel taps.</summary>
    public int DilationH, DilationW;

    /// <summary>
    /// Channel groups, dividing C and OutC. NOTE: 0 (a geometry built without it) means 1, so
    /// every size below reads <see cref="GroupCount"/>.
    /// </summary>
    public int Groups;

    /// <summary>Channel groups, at least 1.</summary>
    public readonly int GroupCount => Groups > 1 ? Groups : 1;

    /// <summary>Input channels of one group: C / groups.</summary>
    public readonly int GroupC => C / GroupCount;

    /// <summary>Output channels of one group: OutC / groups.</summary>
    public readonly int GroupOutC => OutC / GroupCount;

    /// <summary>Rows of one group's block of the im2col matrix, and one output channel's weights: GroupC·KH·KW.</summary>
    public readonly int GroupColRows => GroupC * KH * KW;

    /// <summary>Rows of the im2col matrix: C·KH·KW, group after group (a group's rows are its channels' taps).</summary>
    public readonly int ColRows => C * KH * KW;

    /// <summary>Columns of the im2col matrix: N·OutH·OutW (image-major, then output row, then column).</summary>
    public readonly int ColCols => N * OutH * OutW;

    /// <summary>Output pixels of one image.</summary>
    public readonly int OutPixels => OutH * OutW;

    /// <summary>Convolution output size along one axis (PyTorch's formula); 0 when the kernel does not fit.</summary>
    public static int OutputSize(int input, int kernel, int stride, int padding, int dilation)
    {
        int span = input + 2 * padding - dilation * (kernel - 1) - 1;
        // NOTE: C# division truncates toward zero, so a negative span would round up to size 1.
        return span < 0 ? 0 : span / stride + 1;
    }

    /// <summary>Transposed-convolution output size along one axis (PyTorch's formula).</summary>
    public static int TransposedOutputSize(int input, int kernel, int stride, int padding, int outputPadding, int dilation) =>
        (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}
