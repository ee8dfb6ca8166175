namespace QSparse.Nn;

/// <summary>2-d max pooling (torch.nn.MaxPool2d): [N, C, H, W] → [N, C, OutH, OutW]; stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false,
    Device? device = null) : Module(device)
{
    /// <summary>Window height and width.</summary>
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;
    public int Padding { get; } = padding;
    public int Dilation { get; } = dilation;
    public bool CeilMode { get; } = ceilMode;

    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    public override string ExtraRepr() =>
        $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={PyRepr.Bool(CeilMode)}";
}
