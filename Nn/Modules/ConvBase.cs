namespace QSparse.Nn;

/// <summary>
/// What Conv2d and ConvTranspose2d share (PyTorch's _ConvNd): the configuration, the "weight" and
/// "bias" parameters with PyTorch's default initialisation, and the printed form.
/// </summary>
public abstract class ConvBase : Module, IFoldableLayer
{
    /// <summary>Registers weight of <paramref name="weightShape"/> and bias [outChannels] (or none) and initialises them.</summary>
    protected ConvBase(int inChannels, int outChannels, Size2 kernelSize, Size2? stride, Size2? padding,
        Size2? dilation, Size2? outputPadding, int[] weightShape, bool bias, Device? device, Generator? generator)
        : base(device)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        OutputPadding = outputPadding ?? 0;
        var w = RegisterParameter("weight", Tensor.Empty(Device, weightShape))!;
        var b = RegisterParameter("bias", bias ? Tensor.Empty(Device, [outChannels]) : null);
        // NOTE: fan_in is weight dim 1 × kh·kw, which for a transposed convolution is out_channels·kh·kw, as in PyTorch.
        Init.DefaultLayer(w, b, generator);
    }

    /// <summary>Channels of the input, dimension 1 of [N, in, H, W].</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output, dimension 1 of [N, out, Ho, Wo].</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Step between output pixels (for a transposed convolution, between input pixels on the output).</summary>
    public Size2 Stride { get; }

    /// <summary>Implicit zero rows and columns on both sides of the input (removed from a transposed convolution's output).</summary>
    public Size2 Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public Size2 Dilation { get; }

    /// <summary>Extra rows and columns on one side of a transposed convolution's output; (0, 0) for Conv2d.</summary>
    public Size2 OutputPadding { get; }

    /// <summary>
    /// The raw weight parameter (what the optimizer updates and the state dict holds); reading it has no side
    /// effects. Forward computes with its transforms applied (<see cref="Module.Effective"/>).
    /// </summary>
    public Tensor Weight => Slot("weight")!;

    /// <summary>The raw bias parameter [outChannels], or null; see <see cref="Weight"/>.</summary>
    public Tensor? Bias => Slot("bias");

    /// <inheritdoc/>
    public virtual int WeightOutputDim => 0;

    /// <summary>PyTorch's text: non-default padding, dilation, output padding and bias=False only.</summary>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding != 0)
            s += $", padding={Padding}";
        if (Dilation != 1)
            s += $", dilation={Dilation}";
        if (OutputPadding != 0)
            s += $", output_padding={OutputPadding}";
        if (Slot("bias") == null)
            s += ", bias=False";
        return s;
    }
}
