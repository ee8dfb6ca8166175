using QSparse.Kernels;

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

public static partial class Functional
{
    /// <summary>
    /// 2-d max pooling (torch.nn.functional.max_pool2d) of [N, C, H, W] or [C, H, W] into
    /// [..., OutH, OutW]; <paramref name="stride"/> defaults to the kernel size; padding counts as -inf.
    /// The gradient goes to the (first) maximum of each window.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1,
        bool ceilMode = false)
    {
        int step = stride ?? kernelSize;
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"max_pool2d: expected [N, C, H, W] or [C, H, W], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        if (kernelSize <= 0 || step <= 0 || dilation <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"max_pool2d: kernel_size={kernelSize}, stride={step} and dilation={dilation} must be positive");
        if (padding < 0 || padding > kernelSize / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), padding,
                $"max_pool2d: padding must be between 0 and half the kernel size ({kernelSize / 2})");
        int h = input.Shape[^2], w = input.Shape[^1];
        var s = new Pool2dShape
        {
            Planes = input.Numel / Math.Max(1, h * w), H = h, W = w,
            OutH = Pool2dShape.OutputSize(h, kernelSize, step, padding, dilation, ceilMode),
            OutW = Pool2dShape.OutputSize(w, kernelSize, step, padding, dilation, ceilMode),
            KernelH = kernelSize, KernelW = kernelSize, StrideH = step, StrideW = step,
            PadH = padding, PadW = padding, DilationH = dilation, DilationW = dilation,
        };
        if (s.OutH <= 0 || s.OutW <= 0)
            throw new ArgumentException(
                $"max_pool2d: input {ShapeUtil.Format(input.Shape)} is too small for kernel_size={kernelSize}, dilation={dilation}", nameof(input));

        var device = input.Device;
        int[] outShape = [.. input.Shape[..^2], s.OutH, s.OutW];
        var output = Tensor.Empty(device, outShape);
        var indices = Tensor.Empty(device, outShape, DType.Int32);
        PoolingKernels.MaxForward(device, input.F32, output.F32, indices.I32, s);
        return Autograd.Record(output, "MaxPool2d", [input], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            PoolingKernels.MaxBackward(device, g.F32, indices.I32, gradIn.F32, s);
            return [gradIn];
        }, Saved.Intermediate("indices", indices));
    }
}
