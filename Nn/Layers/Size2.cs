namespace QSparse.Nn;

/// <summary>
/// A (height, width) pair for convolution sizes, strides, paddings and dilations, written as an int
/// (both the same) or a tuple, as PyTorch accepts: <c>stride: 2</c> or <c>stride: (2, 1)</c>.
/// </summary>
public readonly record struct Size2(int H, int W)
{
    /// <summary>The same value for height and width.</summary>
    public static implicit operator Size2(int both) => new(both, both);

    /// <summary>(height, width).</summary>
    public static implicit operator Size2((int H, int W) pair) => new(pair.H, pair.W);

    /// <summary>PyTorch's tuple text, e.g. <c>(3, 3)</c>.</summary>
    public override string ToString() => $"({H}, {W})";
}
