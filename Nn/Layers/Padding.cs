using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Base of the 2-d pads (torch.nn's _ConstantPadNd, _ReflectionPadNd, _ReplicationPadNd): [*, H, W] →
/// [*, top + H + bottom, left + W + right], by <see cref="Functional.Pad"/>. The padding is one int for all four
/// sides or (left, right, top, bottom), as PyTorch's.
/// </summary>
public abstract class Pad2d(Pad2d.Sides padding, PadMode mode, double value, Device? device) : Module(device)
{
    /// <summary>(left, right, top, bottom).</summary>
    public readonly record struct Sides(int Left, int Right, int Top, int Bottom)
    {
        /// <summary>The same count on every side.</summary>
        public static implicit operator Sides(int all) => new(all, all, all, all);

        public static implicit operator Sides((int Left, int Right, int Top, int Bottom) sides) =>
            new(sides.Left, sides.Right, sides.Top, sides.Bottom);

        /// <summary>PyTorch's tuple text, e.g. <c>(1, 1, 2, 0)</c>.</summary>
        public override string ToString() => $"({Left}, {Right}, {Top}, {Bottom})";
    }

    public Sides Padding { get; } = padding;
    public PadMode Mode { get; } = mode;

    /// <summary>The border value of a constant pad.</summary>
    public double Value { get; } = value;

    public override Tensor Forward(Tensor input) =>
        Functional.Pad(input, [Padding.Left, Padding.Right, Padding.Top, Padding.Bottom], Mode, Value);
}

/// <summary>Pads with a constant <paramref name="value"/> (torch.nn.ConstantPad2d); a negative count crops.</summary>
public class ConstantPad2d(Pad2d.Sides padding, double value, Device? device = null) : Pad2d(padding, PadMode.Constant, value, device)
{
    public override string ExtraRepr() => $"padding={Padding}, value={PyRepr.Float(Value)}";
}

/// <summary>Pads with zeros (torch.nn.ZeroPad2d; printed as PyTorch 1.13 prints it, a ConstantPad2d of value 0.0).</summary>
public sealed class ZeroPad2d(Pad2d.Sides padding, Device? device = null) : ConstantPad2d(padding, 0.0, device);

/// <summary>Pads with the input mirrored about its edge (torch.nn.ReflectionPad2d); each count must be below the input's extent.</summary>
public sealed class ReflectionPad2d(Pad2d.Sides padding, Device? device = null) : Pad2d(padding, PadMode.Reflect, 0, device)
{
    public override string ExtraRepr() => Padding.ToString();
}

/// <summary>Pads by repeating the edge pixels (torch.nn.ReplicationPad2d).</summary>
public sealed class ReplicationPad2d(Pad2d.Sides padding, Device? device = null) : Pad2d(padding, PadMode.Replicate, 0, device)
{
    public override string ExtraRepr() => Padding.ToString();
}

public static partial class Functional
{
    /// <summary>
    /// torch.nn.functional.pad of the last dimension by <paramref name="pad"/> = (left, right), or of the last two by
    /// (left, right, top, bottom). Constant mode pads any rank and crops where a count is negative; reflect and
    /// replicate take [C, W] or [N, C, W] for two counts, [C, H, W] or [N, C, H, W] for four, with counts ≥ 0
    /// (reflect: below the padded extent). The backward sums the gradient of every output that copied an input.
    /// </summary>
    public static Tensor Pad(Tensor input, int[] pad, PadMode mode = PadMode.Constant, double value = 0)
    {
        if (pad.Length is not (2 or 4))
            throw new ArgumentException($"pad: expected (left, right) or (left, right, top, bottom), got {pad.Length} values", nameof(pad));
        int dims = pad.Length / 2;
        string name = ModeName(mode);
        bool ranked = mode == PadMode.Constant ? input.Rank >= dims : input.Rank == dims + 1 || input.Rank == dims + 2;
        if (!ranked)
            throw new ArgumentException(mode == PadMode.Constant
                ? $"pad: {pad.Length} padding values need at least {dims} dimensions, got {ShapeUtil.Format(input.Shape)}"
                : $"pad: {name} padding of {dims} dimension(s) expects a {dims + 1}-d or {dims + 2}-d input, got {ShapeUtil.Format(input.Shape)}",
                nameof(input));
        int h = dims == 2 ? input.Shape[^2] : 1, w = input.Shape[^1];
        var cols = new PadAxis(w, pad[0], pad[1]);
        var rows = dims == 2 ? new PadAxis(h, pad[2], pad[3]) : new PadAxis(1, 0, 0);
        for (int k = 0; k < pad.Length; k++)
        {
            int extent = input.Shape[input.Rank - 1 - k / 2];
            if (mode != PadMode.Constant && pad[k] < 0)
                throw new ArgumentOutOfRangeException(nameof(pad), $"pad: {name} padding must be non-negative, got {pad[k]}");
            if (mode == PadMode.Reflect && pad[k] >= extent)
                throw new ArgumentOutOfRangeException(nameof(pad),
                    $"pad: reflect padding ({pad[k]}) must be below the padded extent ({extent}) of input {ShapeUtil.Format(input.Shape)}");
        }
        if (rows.Out <= 0 || cols.Out <= 0)
            throw new ArgumentException($"pad: padding ({string.Join(", ", pad)}) leaves nothing of input {ShapeUtil.Format(input.Shape)}", nameof(pad));

        var s = new Pad2dShape(input.Numel / (h * w), rows, cols, mode, (float)value);
        int[] outShape = dims == 2 ? [.. input.Shape[..^2], rows.Out, cols.Out] : [.. input.Shape[..^1], cols.Out];
        var device = input.Device;
        var output = Tensor.Empty(device, outShape);
        ResampleKernels.PadForward(device, input.F32, output.F32, s);
        return Autograd.Record(output, $"{name}_pad", [input], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            ResampleKernels.PadBackward(device, g.F32, gradIn.F32, s);
            return [gradIn];
        });
    }

    /// <summary>PyTorch's name of <paramref name="mode"/>: "constant", "reflect", "replicate".</summary>
    internal static string ModeName(PadMode mode) => mode.ToString().ToLowerInvariant();
}
