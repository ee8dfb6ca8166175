using ILGPU;
using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// 2-d max pooling (torch.nn.MaxPool2d): [N, C, H, W] or [C, H, W] → [..., OutH, OutW]; every size is an int
/// or an (H, W) pair; stride defaults to the kernel size.
/// </summary>
public sealed class MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
    bool ceilMode = false, Device? device = null) : Module(device)
{
    /// <summary>Window height and width.</summary>
    public Size2 KernelSize { get; } = kernelSize;
    public Size2 Stride { get; } = stride ?? kernelSize;
    public Size2 Padding { get; } = padding ?? 0;
    public Size2 Dilation { get; } = dilation ?? 1;
    public bool CeilMode { get; } = ceilMode;

    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    public override string ExtraRepr() =>
        $"kernel_size={Functional.PoolRepr(KernelSize)}, stride={Functional.PoolRepr(Stride)}, padding={Functional.PoolRepr(Padding)}, " +
        $"dilation={Functional.PoolRepr(Dilation)}, ceil_mode={PyRepr.Bool(CeilMode)}";
}

/// <summary>
/// 2-d average pooling (torch.nn.AvgPool2d): [N, C, H, W] or [C, H, W] → [..., OutH, OutW]; stride defaults to
/// the kernel size; <paramref name="countIncludePad"/> counts the zero padding in each window's divisor and
/// <paramref name="divisorOverride"/>, when given, replaces every divisor.
/// </summary>
public sealed class AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false,
    bool countIncludePad = true, int? divisorOverride = null, Device? device = null) : Module(device)
{
    /// <summary>Window height and width.</summary>
    public Size2 KernelSize { get; } = kernelSize;
    public Size2 Stride { get; } = stride ?? kernelSize;
    public Size2 Padding { get; } = padding ?? 0;
    public bool CeilMode { get; } = ceilMode;
    public bool CountIncludePad { get; } = countIncludePad;
    public int? DivisorOverride { get; } = divisorOverride;

    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    /// <remarks>NOTE: PyTorch prints only these three, whatever ceil_mode and count_include_pad are.</remarks>
    public override string ExtraRepr() =>
        $"kernel_size={Functional.PoolRepr(KernelSize)}, stride={Functional.PoolRepr(Stride)}, padding={Functional.PoolRepr(Padding)}";
}

/// <summary>
/// 2-d adaptive average pooling (torch.nn.AdaptiveAvgPool2d): [N, C, H, W] or [C, H, W] → [..., OutH, OutW],
/// window i covering rows floor(i·H/OutH) to ceil((i + 1)·H/OutH) (likewise columns), so windows of unequal
/// sizes may overlap when H is not a multiple of OutH.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module
{
    readonly string repr;

    /// <summary>The same output height and width (<c>AdaptiveAvgPool2d(1)</c>) or an (H, W) pair.</summary>
    public AdaptiveAvgPool2d(Size2 outputSize, Device? device = null) : base(device)
    {
        (OutputHeight, OutputWidth) = (outputSize.H, outputSize.W);
        repr = Functional.PoolRepr(outputSize);
    }

    /// <summary>An output height and width, null keeping the input's (PyTorch's <c>(None, 7)</c>).</summary>
    public AdaptiveAvgPool2d(int? outputHeight, int? outputWidth, Device? device = null) : base(device)
    {
        (OutputHeight, OutputWidth) = (outputHeight, outputWidth);
        repr = $"({outputHeight?.ToString() ?? "None"}, {outputWidth?.ToString() ?? "None"})";
    }

    /// <summary>The output height, or null for the input's.</summary>
    public int? OutputHeight { get; }

    /// <summary>The output width, or null for the input's.</summary>
    public int? OutputWidth { get; }

    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputHeight, OutputWidth);

    public override string ExtraRepr() => $"output_size={repr}";
}

public static partial class Functional
{
    /// <summary>
    /// 2-d max pooling (torch.nn.functional.max_pool2d) of [N, C, H, W] or [C, H, W] into
    /// [..., OutH, OutW]; <paramref name="stride"/> defaults to the kernel size; padding counts as -inf.
    /// The gradient goes to the (first) maximum of each window.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, bool ceilMode = false)
    {
        var s = PoolShape("max_pool2d", input, kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1, ceilMode);
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

    /// <summary>
    /// 2-d average pooling (torch.nn.functional.avg_pool2d) of [N, C, H, W] or [C, H, W] into [..., OutH, OutW].
    /// Each window's sum is divided by <paramref name="divisorOverride"/> when given, else by the window's size
    /// clipped to the padded input (<paramref name="countIncludePad"/>: a ceil_mode window may reach past the
    /// padding) or to the input itself; a window of padding only gives 0.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        if (divisorOverride == 0)
            throw new ArgumentOutOfRangeException(nameof(divisorOverride), "avg_pool2d: divisor_override must not be zero");
        var s = PoolShape("avg_pool2d", input, kernelSize, stride ?? kernelSize, padding ?? 0, 1, ceilMode);
        s.CountIncludePad = countIncludePad ? 1 : 0;
        s.DivisorOverride = divisorOverride ?? 0;
        return PoolAverage(input, s, "AvgPool2d", PoolingKernels.AvgForward, PoolingKernels.AvgBackward);
    }

    /// <summary>
    /// 2-d adaptive average pooling (torch.nn.functional.adaptive_avg_pool2d) of [N, C, H, W] or [C, H, W] into
    /// [..., OutH, OutW] (null keeps the input's size): window i covers floor(i·H/OutH) to ceil((i + 1)·H/OutH).
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int? outputHeight, int? outputWidth)
    {
        CheckPoolInput("adaptive_avg_pool2d", input);
        int h = input.Shape[^2], w = input.Shape[^1];
        if (h == 0 || w == 0)
            throw new ArgumentException($"adaptive_avg_pool2d: input {ShapeUtil.Format(input.Shape)} has an empty plane", nameof(input));
        int outH = outputHeight ?? h, outW = outputWidth ?? w;
        if (outH <= 0 || outW <= 0)
            throw new ArgumentOutOfRangeException(nameof(outputHeight), $"adaptive_avg_pool2d: output_size ({outH}, {outW}) must be positive");
        var s = new Pool2dShape { Planes = input.Numel / (h * w), H = h, W = w, OutH = outH, OutW = outW };
        return PoolAverage(input, s, "AdaptiveAvgPool2d", PoolingKernels.AdaptiveAvgForward, PoolingKernels.AdaptiveAvgBackward);
    }

    /// <inheritdoc cref="AdaptiveAvgPool2d(Tensor, int?, int?)"/>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize) => AdaptiveAvgPool2d(input, outputSize.H, outputSize.W);

    /// <summary>An average pooling's forward and its backward (which reads only the upstream gradient and the shape).</summary>
    static Tensor PoolAverage(Tensor input, Pool2dShape s, string name,
        Action<Device, ArrayView<float>, ArrayView<float>, Pool2dShape> forward,
        Action<Device, ArrayView<float>, ArrayView<float>, Pool2dShape> backward)
    {
        var device = input.Device;
        var output = Tensor.Empty(device, [.. input.Shape[..^2], s.OutH, s.OutW]);
        forward(device, input.F32, output.F32, s);
        return Autograd.Record(output, name, [input], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            backward(device, g.F32, gradIn.F32, s);
            return [gradIn];
        });
    }

    /// <summary>The window geometry of a pooling over the last two dimensions, checked as PyTorch checks it.</summary>
    static Pool2dShape PoolShape(string op, Tensor input, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation, bool ceilMode)
    {
        CheckPoolInput(op, input);
        if (kernel.H <= 0 || kernel.W <= 0 || stride.H <= 0 || stride.W <= 0 || dilation.H <= 0 || dilation.W <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernel),
                $"{op}: kernel_size={kernel}, stride={stride} and dilation={dilation} must be positive");
        if (padding.H < 0 || padding.W < 0 || padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
            throw new ArgumentOutOfRangeException(nameof(padding),
                $"{op}: padding={padding} must be between 0 and half the kernel size {kernel}");
        int h = input.Shape[^2], w = input.Shape[^1];
        var s = new Pool2dShape
        {
            Planes = input.Numel / Math.Max(1, h * w), H = h, W = w,
            OutH = Pool2dShape.OutputSize(h, kernel.H, stride.H, padding.H, dilation.H, ceilMode),
            OutW = Pool2dShape.OutputSize(w, kernel.W, stride.W, padding.W, dilation.W, ceilMode),
            KernelH = kernel.H, KernelW = kernel.W, StrideH = stride.H, StrideW = stride.W,
            PadH = padding.H, PadW = padding.W, DilationH = dilation.H, DilationW = dilation.W,
        };
        if (s.OutH <= 0 || s.OutW <= 0)
            throw new ArgumentException(
                $"{op}: input {ShapeUtil.Format(input.Shape)} is too small for kernel_size={kernel}, dilation={dilation}", nameof(input));
        return s;
    }

    static void CheckPoolInput(string op, Tensor input)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{op}: expected [N, C, H, W] or [C, H, W], got {ShapeUtil.Format(input.Shape)}", nameof(input));
    }

    /// <summary>
    /// A pooling size as PyTorch prints it: <c>3</c>, or <c>(3, 2)</c> for a pair.
    /// NOTE: a pair of equal sizes prints as one int (PyTorch prints what it was given: <c>(3, 3)</c> for a tuple).
    /// </summary>
    internal static string PoolRepr(Size2 size) => size.H == size.W ? $"{size.H}" : size.ToString();
}
