using QSparse.Kernels;
using QSparse.Nn;

namespace QSparse.Tests.Ops;

public static partial class OpTable
{
    /// <summary>An interpolate row by scale factor; the output size is floor(in·scale_factor), as PyTorch's.</summary>
    static OpCase InterpolateBy(string name, int[] x, double scaleFactor, InterpolateMode mode, bool? alignCorners = null) =>
        new(name, [In.Uniform(x)], t => Functional.Interpolate(t[0], scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners),
            t => HostRef.Interpolate(t[0], (int)Math.Floor(x[2] * scaleFactor), (int)Math.Floor(x[3] * scaleFactor), scaleFactor,
                mode == InterpolateMode.Bilinear, alignCorners ?? false));

    /// <summary>An interpolate row to an output size.</summary>
    static OpCase InterpolateTo(string name, int[] x, Size2 size, InterpolateMode mode, bool? alignCorners = null) =>
        new(name, [In.Uniform(x)], t => Functional.Interpolate(t[0], size, mode: mode, alignCorners: alignCorners),
            t => HostRef.Interpolate(t[0], size.H, size.W, null, mode == InterpolateMode.Bilinear, alignCorners ?? false));

    static OpCase Pad(string name, int[] x, int[] pad, PadMode mode, double value = 0) =>
        new(name, [In.Uniform(x)], t => Functional.Pad(t[0], pad, mode, value),
            t => HostRef.Pad(t[0], pad, mode.ToString().ToLowerInvariant(), value));

    /// <summary>
    /// Pixel shuffle and unshuffle; nearest and bilinear interpolation (both align_corners, integer and non-integer
    /// scales, to a size, down and up); constant, reflect and replicate padding. The backward of each is linear, so
    /// the host differences are exact.
    /// </summary>
    static IEnumerable<OpCase> Resampling()
    {
        yield return new OpCase("pixel_shuffle r2", [In.Uniform([2, 8, 2, 3])], t => Functional.PixelShuffle(t[0], 2),
            t => HostRef.PixelShuffle(t[0], 2));
        yield return new OpCase("pixel_shuffle r3 3d input", [In.Uniform([9, 2, 2])], t => Functional.PixelShuffle(t[0], 3),
            t => HostRef.PixelShuffle(t[0].Reshape(1, 9, 2, 2), 3).Reshape(1, 6, 6));
        yield return new OpCase("pixel_unshuffle r2", [In.Uniform([2, 2, 4, 6])], t => Functional.PixelUnshuffle(t[0], 2),
            t => HostRef.PixelUnshuffle(t[0], 2));

        yield return InterpolateBy("interpolate nearest x2", [2, 3, 3, 4], 2, InterpolateMode.Nearest);
        yield return InterpolateTo("interpolate nearest to size", [1, 2, 5, 4], (3, 7), InterpolateMode.Nearest);
        // NOTE: steps by 1/1.25 = 0.8, where in/out = 10/12 would read source 9 instead of 8 at the last column;
        // 3 rows stay 3 (floor(3.75)), which PyTorch copies.
        yield return InterpolateBy("interpolate nearest scale 1.25", [1, 2, 3, 10], 1.25, InterpolateMode.Nearest);
        yield return InterpolateBy("interpolate nearest x0.5", [1, 2, 6, 5], 0.5, InterpolateMode.Nearest);

        yield return InterpolateBy("interpolate bilinear x2", [2, 2, 3, 4], 2, InterpolateMode.Bilinear);
        yield return InterpolateBy("interpolate bilinear x2 align_corners", [2, 2, 3, 4], 2, InterpolateMode.Bilinear, true);
        yield return InterpolateBy("interpolate bilinear scale 1.5", [1, 2, 3, 5], 1.5, InterpolateMode.Bilinear);
        yield return InterpolateBy("interpolate bilinear scale 1.5 align_corners", [1, 2, 3, 5], 1.5, InterpolateMode.Bilinear, true);
        yield return InterpolateTo("interpolate bilinear to size", [1, 2, 5, 3], (3, 7), InterpolateMode.Bilinear);
        yield return InterpolateTo("interpolate bilinear to size align_corners", [1, 2, 5, 3], (3, 7), InterpolateMode.Bilinear, true);
        yield return InterpolateTo("interpolate bilinear to 1x1 align_corners", [1, 2, 3, 4], (1, 1), InterpolateMode.Bilinear, true);

        yield return Pad("pad constant", [2, 3, 3, 4], [1, 2, 0, 1], PadMode.Constant, 0.5);
        yield return Pad("pad constant crop", [1, 2, 4, 5], [-1, 2, 1, -2], PadMode.Constant);
        yield return Pad("pad constant last dim", [3, 4], [2, 1], PadMode.Constant, -1);
        yield return Pad("pad reflect", [2, 2, 4, 5], [2, 4, 3, 1], PadMode.Reflect);
        yield return Pad("pad reflect last dim", [2, 5], [3, 4], PadMode.Reflect);
        yield return Pad("pad replicate", [1, 2, 3, 4], [2, 3, 1, 4], PadMode.Replicate);
        yield return Pad("pad replicate 3d input single row", [2, 1, 3], [1, 2, 2, 1], PadMode.Replicate);
    }
}
