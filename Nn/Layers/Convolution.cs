using QSparse.Kernels;

namespace QSparse.Nn;

public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (torch.nn.functional.conv2d): input [N, Cin, H, W], weight [Cout, Cin / groups, kh, kw],
    /// bias [Cout] → [N, Cout, Ho, Wo] with Ho = ⌊(H + 2·padding − dilation·(kh − 1) − 1) / stride⌋ + 1. With
    /// <paramref name="groups"/> g, output channel o reads only the Cin / g input channels of group ⌊o·g / Cout⌋
    /// (g = Cin: depthwise). Null stride and dilation mean 1, null padding 0. Differentiable w.r.t. input, weight and bias.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null,
        Size2? padding = null, Size2? dilation = null, int groups = 1)
    {
        var (s, p, dl) = CheckConvArguments("conv2d", input, weight, bias, groups, transposed: false, stride, padding, dilation);
        int n = input.Shape[0], h = input.Shape[2], w = input.Shape[3];
        int cout = weight.Shape[0], cin = weight.Shape[1] * groups, kh = weight.Shape[2], kw = weight.Shape[3];
        if (input.Shape[1] != cin)
            throw new ArgumentException(
                $"conv2d: input {ShapeUtil.Format(input.Shape)} has {input.Shape[1]} channels, weight {ShapeUtil.Format(weight.Shape)} with groups={groups} expects {cin}", nameof(input));
        int ho = ConvGeometry.OutputSize(h, kh, s.H, p.H, dl.H), wo = ConvGeometry.OutputSize(w, kw, s.W, p.W, dl.W);
        if (ho < 1 || wo < 1)
            throw new ArgumentException(
                $"conv2d: input {ShapeUtil.Format(input.Shape)} padded by {p} is smaller than the kernel ({kh}, {kw}) dilated by {dl}; output would be ({ho}, {wo})", nameof(input));
        var g = Geometry(n, cin, h, w, cout, ho, wo, kh, kw, s, p, dl, groups);
        var y = ConvForward(input, weight, bias, [n, cout, ho, wo], g);
        return Autograd.Record(y, "Conv2d", Inputs(input, weight, bias), gy =>
        [
            input.RequiresGrad ? ConvBackwardData(gy, weight, null, input.Shape, g) : null,
            weight.RequiresGrad ? ConvBackwardWeight(input, gy, weight.Shape, g) : null,
            bias is { RequiresGrad: true } ? gy.Sum([0, 2, 3]) : null,
        ], Saved.Input("input", input), Saved.Input("weight", weight));
    }

    /// <summary>
    /// 2-D transposed convolution (torch.nn.functional.conv_transpose2d): input [N, Cin, H, W], weight
    /// [Cin, Cout / groups, kh, kw], bias [Cout] → [N, Cout, Ho, Wo] with
    /// Ho = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1. It is the input-gradient of
    /// the Conv2d with the same weight, parameters and groups (input channel i feeds only the Cout / groups output
    /// channels of group ⌊i·groups / Cin⌋). Null stride and dilation mean 1, null paddings 0.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null,
        Size2? padding = null, Size2? outputPadding = null, Size2? dilation = null, int groups = 1)
    {
        var (s, p, dl) = CheckConvArguments("conv_transpose2d", input, weight, bias, groups, transposed: true, stride, padding, dilation);
        var op = outputPadding ?? 0;
        // PyTorch's rule: the extra rows must be ones no input pixel could have reached.
        if (op.H < 0 || op.W < 0 || (op.H >= s.H && op.H >= dl.H) || (op.W >= s.W && op.W >= dl.W))
            throw new ArgumentException(
                $"conv_transpose2d: output padding {op} must be non-negative and smaller than either stride {s} or dilation {dl}", nameof(outputPadding));
        int n = input.Shape[0], h = input.Shape[2], w = input.Shape[3];
        int cin = weight.Shape[0], cout = weight.Shape[1] * groups, kh = weight.Shape[2], kw = weight.Shape[3];
        if (input.Shape[1] != cin)
            throw new ArgumentException(
                $"conv_transpose2d: input {ShapeUtil.Format(input.Shape)} has {input.Shape[1]} channels, weight {ShapeUtil.Format(weight.Shape)} expects {cin}", nameof(input));
        int ho = ConvGeometry.TransposedOutputSize(h, kh, s.H, p.H, op.H, dl.H);
        int wo = ConvGeometry.TransposedOutputSize(w, kw, s.W, p.W, op.W, dl.W);
        if (ho < 1 || wo < 1)
            throw new ArgumentException(
                $"conv_transpose2d: padding {p} leaves no output for input {ShapeUtil.Format(input.Shape)} and kernel ({kh}, {kw}); output would be ({ho}, {wo})", nameof(padding));
        // The convolution whose backward-data this is: it maps [N, Cout, Ho, Wo] to the input's [N, Cin, H, W].
        var g = Geometry(n, cout, ho, wo, cin, h, w, kh, kw, s, p, dl, groups);
        var y = ConvBackwardData(input, weight, bias, [n, cout, ho, wo], g);
        return Autograd.Record(y, "ConvTranspose2d", Inputs(input, weight, bias), gy =>
        [
            input.RequiresGrad ? ConvForward(gy, weight, null, input.Shape, g) : null,
            weight.RequiresGrad ? ConvBackwardWeight(gy, input, weight.Shape, g) : null,
            bias is { RequiresGrad: true } ? gy.Sum([0, 2, 3]) : null,
        ], Saved.Input("input", input), Saved.Input("weight", weight));
    }

    /// <summary>
    /// Checks ranks, groups (dividing weight dim 0: the out channels, or a transposed convolution's in channels),
    /// bias (one per output channel) and the per-axis parameters shared by both convolutions; fills in the defaults.
    /// </summary>
    static (Size2 Stride, Size2 Padding, Size2 Dilation) CheckConvArguments(string op, Tensor input, Tensor weight,
        Tensor? bias, int groups, bool transposed, Size2? stride, Size2? padding, Size2? dilation)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"{op}: input must be [N, C, H, W], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        if (weight.Rank != 4 || weight.Shape[2] < 1 || weight.Shape[3] < 1)
            throw new ArgumentException($"{op}: weight must have 4 dimensions and a kernel of at least 1x1, got {ShapeUtil.Format(weight.Shape)}", nameof(weight));
        if (groups < 1)
            throw new ArgumentException($"{op}: groups must be positive, got {groups}", nameof(groups));
        if (weight.Shape[0] % groups != 0)
            throw new ArgumentException(
                $"{op}: groups={groups} must divide weight {ShapeUtil.Format(weight.Shape)}'s {weight.Shape[0]} {(transposed ? "input" : "output")} channels", nameof(groups));
        int outChannels = transposed ? weight.Shape[1] * groups : weight.Shape[0];
        if (bias != null && (bias.Rank != 1 || bias.Shape[0] != outChannels))
            throw new ArgumentException(
                $"{op}: bias must be [{outChannels}] for weight {ShapeUtil.Format(weight.Shape)}, got {ShapeUtil.Format(bias.Shape)}", nameof(bias));
        Size2 s = stride ?? 1, p = padding ?? 0, dl = dilation ?? 1;
        if (s.H < 1 || s.W < 1)
            throw new ArgumentException($"{op}: stride must be positive, got {s}", nameof(stride));
        if (p.H < 0 || p.W < 0)
            throw new ArgumentException($"{op}: padding must be non-negative, got {p}", nameof(padding));
        if (dl.H < 1 || dl.W < 1)
            throw new ArgumentException($"{op}: dilation must be positive, got {dl}", nameof(dilation));
        return (s, p, dl);
    }

    static ConvGeometry Geometry(int n, int c, int h, int w, int outC, int outH, int outW, int kh, int kw,
        Size2 stride, Size2 padding, Size2 dilation, int groups)
    {
        var g = new ConvGeometry
        {
            N = n, C = c, H = h, W = w, OutC = outC, OutH = outH, OutW = outW, KH = kh, KW = kw,
            StrideH = stride.H, StrideW = stride.W, PadH = padding.H, PadW = padding.W,
            DilationH = dilation.H, DilationW = dilation.W, Groups = groups,
        };
        // NOTE: kernels index with int; the im2col matrix is the largest buffer they address.
        if ((long)g.ColRows * g.ColCols + (long)g.OutC * g.ColCols > int.MaxValue)
            throw new ArgumentException(
                $"convolution too large: its im2col matrix has {(long)g.ColRows * g.ColCols} elements (at most {int.MaxValue})");
        return g;
    }

    static Tensor[] Inputs(Tensor input, Tensor weight, Tensor? bias) => bias != null ? [input, weight, bias] : [input, weight];

    /// <summary>The convolution <paramref name="g"/> of x plus bias, outside the graph.</summary>
    static Tensor ConvForward(Tensor x, Tensor weight, Tensor? bias, int[] outShape, ConvGeometry g)
    {
        var y = Tensor.Empty(x.Device, outShape);
        ConvKernels.Forward(x.Device, x.F32, weight.F32, bias?.F32, y.F32, g);
        return y;
    }

    /// <summary>The input-gradient of the convolution <paramref name="g"/> for output-gradient gy, plus bias, outside the graph.</summary>
    static Tensor ConvBackwardData(Tensor gy, Tensor weight, Tensor? bias, int[] inShape, ConvGeometry g)
    {
        var gx = Tensor.Empty(gy.Device, inShape);
        ConvKernels.BackwardData(gy.Device, gy.F32, weight.F32, bias?.F32, gx.F32, g);
        return gx;
    }

    /// <summary>The weight-gradient of the convolution <paramref name="g"/> with input x and output-gradient gy.</summary>
    static Tensor ConvBackwardWeight(Tensor x, Tensor gy, int[] weightShape, ConvGeometry g)
    {
        var gw = Tensor.Empty(x.Device, weightShape);
        ConvKernels.BackwardWeight(x.Device, x.F32, gy.F32, gw.F32, g);
        return gw;
    }
}

/// <summary>
/// What Conv2d and ConvTranspose2d share (PyTorch's _ConvNd): the configuration, the "weight" and
/// "bias" parameters with PyTorch's default initialisation, and the printed form.
/// </summary>
public abstract class ConvBase : Module, IFoldableLayer
{
    /// <summary>
    /// Checks <paramref name="groups"/>, registers weight [out, in / groups, kh, kw] (transposed: [in, out / groups, kh, kw])
    /// and bias [outChannels] (or none) and initialises them.
    /// </summary>
    protected ConvBase(int inChannels, int outChannels, Size2 kernelSize, Size2? stride, Size2? padding,
        Size2? dilation, Size2? outputPadding, int groups, bool transposed, bool bias, Device? device, Generator? generator)
        : base(device)
    {
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException(
                $"{TypeName}({inChannels}, {outChannels}): groups={groups} must be positive and divide in_channels and out_channels", nameof(groups));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        OutputPadding = outputPadding ?? 0;
        Groups = groups;
        int[] weightShape = transposed
            ? [inChannels, outChannels / groups, kernelSize.H, kernelSize.W]
            : [outChannels, inChannels / groups, kernelSize.H, kernelSize.W];
        var w = RegisterParameter("weight", Tensor.Empty(Device, weightShape))!;
        var b = RegisterParameter("bias", bias ? Tensor.Empty(Device, [outChannels]) : null);
        // NOTE: fan_in is weight dim 1 × kh·kw: in/groups·kh·kw, and for a transposed convolution out/groups·kh·kw, as in PyTorch.
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

    /// <summary>Channel groups: group j's out / groups output channels read only its in / groups input channels (in = groups: depthwise).</summary>
    public int Groups { get; }

    /// <summary>
    /// The raw weight parameter (what the optimizer updates and the state dict holds); reading it has no side
    /// effects. Forward computes with its transforms applied (<see cref="Module.Effective"/>).
    /// </summary>
    public Tensor Weight => Slot("weight")!;

    /// <summary>The raw bias parameter [outChannels], or null; see <see cref="Weight"/>.</summary>
    public Tensor? Bias => Slot("bias");

    /// <inheritdoc/>
    public virtual int WeightOutputDim => 0;

    /// <summary>PyTorch's text: non-default padding, dilation, output padding, groups and bias=False only.</summary>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding != 0)
            s += $", padding={Padding}";
        if (Dilation != 1)
            s += $", dilation={Dilation}";
        if (OutputPadding != 0)
            s += $", output_padding={OutputPadding}";
        if (Groups != 1)
            s += $", groups={Groups}";
        if (Slot("bias") == null)
            s += ", bias=False";
        return s;
    }
}

/// <summary>
/// 2-D convolution (torch.nn.Conv2d): input [N, in, H, W] → [N, out, Ho, Wo]. Weight [out, in / groups, kh, kw],
/// bias [out]. Sizes are an int or an (h, w) tuple: <c>new Conv2d(1, 32, 3, padding: (1, 0))</c>; a depthwise
/// convolution is <c>new Conv2d(8, 8, 3, groups: 8)</c>.
/// </summary>
public class Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
    Size2? dilation = null, int groups = 1, bool bias = true, Device? device = null, Generator? generator = null)
    : ConvBase(inChannels, outChannels, kernelSize, stride, padding, dilation, null, groups, transposed: false, bias, device, generator)
{
    public override Tensor Forward(Tensor input) =>
        Functional.Conv2d(input, Effective("weight")!, Effective("bias"), Stride, Padding, Dilation, Groups);
}

/// <summary>
/// 2-D transposed convolution (torch.nn.ConvTranspose2d): input [N, in, H, W] → [N, out, Ho, Wo] with
/// Ho = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1. Weight [in, out / groups, kh, kw],
/// bias [out].
/// </summary>
public class ConvTranspose2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null,
    Size2? padding = null, Size2? outputPadding = null, Size2? dilation = null, int groups = 1, bool bias = true,
    Device? device = null, Generator? generator = null)
    : ConvBase(inChannels, outChannels, kernelSize, stride, padding, dilation, outputPadding, groups, transposed: true, bias,
        device, generator)
{
    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose2d(input, Effective("weight")!, Effective("bias"), Stride, Padding, OutputPadding, Dilation, Groups);

    /// <summary>1: the weight is [in, out / groups, kh, kw] (with groups, output channel group(i)·out / groups + o of element [i, o, ...]).</summary>
    public override int WeightOutputDim => 1;
}
