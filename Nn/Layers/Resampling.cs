using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Rearranges [*, C·r², H, W] into [*, C, H·r, W·r] (torch.nn.PixelShuffle), the upscaling of sub-pixel
/// convolution: output (c, h·r + i, w·r + j) is input (c·r² + i·r + j, h, w).
/// </summary>
public sealed class PixelShuffle(int upscaleFactor, Device? device = null) : Module(device)
{
    /// <summary>r.</summary>
    public int UpscaleFactor { get; } = upscaleFactor;

    public override Tensor Forward(Tensor input) => Functional.PixelShuffle(input, UpscaleFactor);

    public override string ExtraRepr() => $"upscale_factor={UpscaleFactor}";
}

/// <summary>Rearranges [*, C, H·r, W·r] into [*, C·r², H, W] (torch.nn.PixelUnshuffle), the inverse of <see cref="PixelShuffle"/>.</summary>
public sealed class PixelUnshuffle(int downscaleFactor, Device? device = null) : Module(device)
{
    /// <summary>r.</summary>
    public int DownscaleFactor { get; } = downscaleFactor;

    public override Tensor Forward(Tensor input) => Functional.PixelUnshuffle(input, DownscaleFactor);

    public override string ExtraRepr() => $"downscale_factor={DownscaleFactor}";
}

/// <summary>
/// Resizes [N, C, H, W] to a <paramref name="size"/> or by a <paramref name="scaleFactor"/> (torch.nn.Upsample;
/// exactly one of the two), by <see cref="Functional.Interpolate"/>. <paramref name="alignCorners"/> applies to
/// bilinear only (null: False).
/// </summary>
public sealed class Upsample(Size2? size = null, double? scaleFactor = null, InterpolateMode mode = InterpolateMode.Nearest,
    bool? alignCorners = null, Device? device = null) : Module(device)
{
    public Size2? Size { get; } = size;
    public double? ScaleFactor { get; } = scaleFactor;
    public InterpolateMode Mode { get; } = mode;
    public bool? AlignCorners { get; } = alignCorners;

    public override Tensor Forward(Tensor input) => Functional.Interpolate(input, Size, ScaleFactor, Mode, AlignCorners);

    /// <summary>PyTorch's text: <c>scale_factor=2.0, mode=nearest</c> or <c>size=(4, 6), mode=bilinear</c> (align_corners is not printed).</summary>
    public override string ExtraRepr()
    {
        string info = ScaleFactor is { } factor ? $"scale_factor={PyRepr.Float(factor)}"
            : Size is { } s ? $"size={(s.H == s.W ? s.H.ToString() : s.ToString())}" : "size=None";
        return $"{info}, mode={Functional.ModeName(Mode)}";
    }
}

public static partial class Functional
{
    /// <summary>
    /// torch.nn.functional.pixel_shuffle: [*, C·r², H, W] → [*, C, H·r, W·r]; a reshape, a permute and a reshape,
    /// differentiable through theirs.
    /// </summary>
    public static Tensor PixelShuffle(Tensor input, int upscaleFactor)
    {
        int r = upscaleFactor;
        var (lead, c, h, w) = PixelShape(input, r, "pixel_shuffle", "upscale_factor");
        if (c % (r * r) != 0)
            throw new ArgumentException(
                $"pixel_shuffle: channels ({c}) of input {ShapeUtil.Format(input.Shape)} must be divisible by upscale_factor² ({r * r})",
                nameof(input));
        int batch = ShapeUtil.Numel(lead), outC = c / (r * r);
        return input.Reshape(batch, outC, r, r, h, w).Permute(0, 1, 4, 2, 5, 3).Reshape([.. lead, outC, h * r, w * r]);
    }

    /// <summary>torch.nn.functional.pixel_unshuffle: [*, C, H·r, W·r] → [*, C·r², H, W], the inverse of <see cref="PixelShuffle"/>.</summary>
    public static Tensor PixelUnshuffle(Tensor input, int downscaleFactor)
    {
        int r = downscaleFactor;
        var (lead, c, h, w) = PixelShape(input, r, "pixel_unshuffle", "downscale_factor");
        if (h % r != 0 || w % r != 0)
            throw new ArgumentException(
                $"pixel_unshuffle: height and width of input {ShapeUtil.Format(input.Shape)} must be divisible by downscale_factor ({r})",
                nameof(input));
        int batch = ShapeUtil.Numel(lead);
        return input.Reshape(batch, c, h / r, r, w / r, r).Permute(0, 1, 3, 5, 2, 4).Reshape([.. lead, c * r * r, h / r, w / r]);
    }

    /// <summary>The leading dimensions and (C, H, W) of a pixel (un)shuffle's input, after checking rank and factor.</summary>
    static (int[] Lead, int C, int H, int W) PixelShape(Tensor input, int factor, string op, string factorName)
    {
        if (input.Rank < 3)
            throw new ArgumentException($"{op}: expected [*, C, H, W] (at least 3 dimensions), got {ShapeUtil.Format(input.Shape)}", nameof(input));
        if (factor <= 0)
            throw new ArgumentOutOfRangeException(factorName, $"{op}: {factorName} must be positive, got {factor}");
        return (input.Shape[..^3], input.Shape[^3], input.Shape[^2], input.Shape[^1]);
    }

    /// <summary>
    /// torch.nn.functional.interpolate of [N, C, H, W] to <paramref name="size"/> or by <paramref name="scaleFactor"/>
    /// (exactly one; the output is then floor(H·scale_factor) × floor(W·scale_factor)), with PyTorch's source
    /// positions (see <see cref="ResampleAxis"/>: with a scale factor the step is 1/scale_factor). Bilinear uses
    /// pixel centres unless <paramref name="alignCorners"/> is true (null: false); nearest takes no alignCorners.
    /// The backward sums each output's gradient into the inputs it read, by a gather (deterministic).
    /// </summary>
    public static Tensor Interpolate(Tensor input, Size2? size = null, double? scaleFactor = null,
        InterpolateMode mode = InterpolateMode.Nearest, bool? alignCorners = null)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"interpolate: expected [N, C, H, W], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        if ((size == null) == (scaleFactor == null))
            throw new ArgumentException("interpolate: give exactly one of size and scale_factor", nameof(size));
        if (mode == InterpolateMode.Nearest && alignCorners != null)
            throw new ArgumentException("interpolate: align_corners can only be set with mode=bilinear", nameof(alignCorners));
        if (scaleFactor is <= 0 or double.NaN or double.PositiveInfinity)
            throw new ArgumentOutOfRangeException(nameof(scaleFactor), $"interpolate: scale_factor must be positive and finite, got {scaleFactor}");
        int h = input.Shape[2], w = input.Shape[3];
        // NOTE: PyTorch's output size is floor(in·scale_factor) in double precision.
        var outSize = size ?? new Size2((int)Math.Floor(h * scaleFactor!.Value), (int)Math.Floor(w * scaleFactor.Value));
        if (outSize.H <= 0 || outSize.W <= 0)
            throw new ArgumentException(
                $"interpolate: output size {outSize} of input {ShapeUtil.Format(input.Shape)} must be positive", size != null ? nameof(size) : nameof(scaleFactor));
        bool corners = alignCorners ?? false;
        var s = mode == InterpolateMode.Nearest
            ? new Resample2dShape(input.Numel / (h * w), ResampleAxis.Nearest(h, outSize.H, scaleFactor),
                ResampleAxis.Nearest(w, outSize.W, scaleFactor), mode)
            : new Resample2dShape(input.Numel / (h * w), ResampleAxis.Linear(h, outSize.H, scaleFactor, corners),
                ResampleAxis.Linear(w, outSize.W, scaleFactor, corners), mode);
        var device = input.Device;
        var output = Tensor.Empty(device, [input.Shape[0], input.Shape[1], outSize.H, outSize.W]);
        ResampleKernels.InterpolateForward(device, input.F32, output.F32, s);
        return Autograd.Record(output, mode == InterpolateMode.Nearest ? "UpsampleNearest2d" : "UpsampleBilinear2d", [input], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            ResampleKernels.InterpolateBackward(device, g.F32, gradIn.F32, s);
            return [gradIn];
        });
    }

    /// <summary>PyTorch's name of <paramref name="mode"/>: "nearest", "bilinear".</summary>
    internal static string ModeName(InterpolateMode mode) => mode.ToString().ToLowerInvariant();
}
