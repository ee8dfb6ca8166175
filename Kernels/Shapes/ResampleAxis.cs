using ILGPU.Algorithms;

namespace QSparse.Kernels;

/// <summary>
/// One axis of an interpolation: <see cref="Out"/> output positions reading <see cref="In"/> source positions,
/// with PyTorch's index rules (aten/src/ATen/native/UpSample.h: compute_scales_value, area_pixel_compute_scale,
/// area_pixel_compute_source_index, nearest_idx, compute_source_index_and_lambda), in float as PyTorch computes them.
/// </summary>
public readonly struct ResampleAxis(int input, int output, float scale, float halfPixel)
{
    public readonly int In = input, Out = output;

    /// <summary>The source step per output position.</summary>
    public readonly float Scale = scale;

    /// <summary>0.5 where pixels are areas whose centres map (align_corners=False), 0 where the corner pixels align.</summary>
    public readonly float HalfPixel = halfPixel;

    /// <summary>
    /// A nearest axis. NOTE: with a scale factor PyTorch steps by 1/scale_factor, not by in/out: they differ
    /// when in·scale_factor is not an integer (5 → 7 at 1.5 steps by 0.6667, not 0.7143).
    /// </summary>
    public static ResampleAxis Nearest(int input, int output, double? scaleFactor) =>
        new(input, output, SourceScale(input, output, scaleFactor), 0f);

    /// <summary>A linear axis: (in − 1)/(out − 1) when the corners align (the scale factor is then ignored), else as <see cref="Nearest"/>.</summary>
    public static ResampleAxis Linear(int input, int output, double? scaleFactor, bool alignCorners) =>
        alignCorners
            ? new(input, output, output > 1 ? (float)(input - 1) / (output - 1) : 0f, 0f)
            : new(input, output, SourceScale(input, output, scaleFactor), 0.5f);

    /// <summary>compute_scales_value: 1/scale_factor when one was given, else in/out, rounded to float.</summary>
    static float SourceScale(int input, int output, double? scaleFactor) =>
        scaleFactor is > 0 ? (float)(1.0 / scaleFactor.Value) : (float)input / output;

    /// <summary>nearest_idx: the source of output <paramref name="o"/> (exact for equal and doubled sizes, else floor(o·scale)).</summary>
    public int NearestSource(int o)
    {
        if (Out == In)
            return o;
        if (Out == 2 * In)
            return o >> 1;
        // o·scale ≥ 0, so the int cast is PyTorch's floorf.
        return XMath.Min((int)(o * Scale), In - 1);
    }

    /// <summary>
    /// compute_source_index_and_lambda: output <paramref name="o"/> is (1 − lambda1)·x[i0] + lambda1·x[i1].
    /// NOTE: the source position is clamped to 0 at half-pixel centres (the first output of an upscale reads x[0]
    /// alone), and i1 = i0 at the last source position.
    /// </summary>
    public void LinearSource(int o, out int i0, out int i1, out float lambda1)
    {
        if (Out == In)
        {
            i0 = o;
            i1 = o;
            lambda1 = 0f;
            return;
        }
        float real = XMath.Max(Scale * (o + HalfPixel) - HalfPixel, 0f);
        i0 = XMath.Min((int)real, In - 1);
        i1 = i0 < In - 1 ? i0 + 1 : i0;
        lambda1 = XMath.Min(XMath.Max(real - i0, 0f), 1f);
    }

    /// <summary>The two sources of output <paramref name="o"/> and their weights (nearest: one source, weight 1).</summary>
    public void Sources(int o, InterpolateMode mode, out int i0, out int i1, out float w0, out float w1)
    {
        if (mode == InterpolateMode.Nearest)
        {
            i0 = NearestSource(o);
            i1 = i0;
            w0 = 1f;
            w1 = 0f;
            return;
        }
        LinearSource(o, out i0, out i1, out w1);
        w0 = 1f - w1;
    }

    /// <summary>
    /// The first output reading source <paramref name="i"/>: the first whose i0 reaches i (nearest) or i − 1 (linear,
    /// whose i1 is then i). i0 never decreases along the axis, so the outputs reading i are the run that starts here
    /// and ends before the first output whose i0 passes i; a binary search finds the start.
    /// </summary>
    public int FirstReader(int i, InterpolateMode mode)
    {
        int target = mode == InterpolateMode.Nearest ? i : i - 1;
        int lo = 0, hi = Out;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            Sources(mid, mode, out int i0, out _, out _, out _);
            if (i0 < target)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
