namespace QSparse.Nn;

/// <summary>
/// What Conv2d and ConvTranspose2d share (PyTorch's _ConvNd): the configuration, the "weight" and
/// "bias" parameters with PyTorch's default initialisation, and the printed form.
/// </summary>
public abstract class ConvBase : Module
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

    /// <summary>The weight used by <see cref="Module.Forward"/>.</summary>
    public virtual Tensor Weight => Effective("weight")!;

    /// <summary>The bias used by <see cref="Module.Forward"/>, or null.</summary>
    public virtual Tensor? Bias => Effective("bias");

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
