namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>torch.nn.functional.pixel_shuffle of x [B, C·r², H, W]: output (c, h·r + i, w·r + j) = input (c·r² + i·r + j, h, w).</summary>
    public static HostArray PixelShuffle(HostArray x, int r)
    {
        int b = x.Shape[0], c = x.Shape[1] / (r * r), h = x.Shape[2], w = x.Shape[3];
        var y = new HostArray([b, c, h * r, w * r]);
        for (int n = 0; n < b; n++)
            for (int k = 0; k < c; k++)
                for (int oh = 0; oh < h * r; oh++)
                    for (int ow = 0; ow < w * r; ow++)
                        y.Data[((n * c + k) * h * r + oh) * w * r + ow] =
                            x.Data[((n * c * r * r + k * r * r + oh % r * r + ow % r) * h + oh / r) * w + ow / r];
        return y;
    }

    /// <summary>torch.nn.functional.pixel_unshuffle of x [B, C, H·r, W·r]: the inverse of <see cref="PixelShuffle"/>.</summary>
    public static HostArray PixelUnshuffle(HostArray x, int r)
    {
        int b = x.Shape[0], c = x.Shape[1], h = x.Shape[2] / r, w = x.Shape[3] / r;
        var y = new HostArray([b, c * r * r, h, w]);
        for (int n = 0; n < b; n++)
            for (int k = 0; k < c; k++)
                for (int ih = 0; ih < h * r; ih++)
                    for (int iw = 0; iw < w * r; iw++)
                        y.Data[((n * c * r * r + k * r * r + ih % r * r + iw % r) * h + ih / r) * w + iw / r] =
                            x.Data[((n * c + k) * h * r + ih) * w * r + iw];
        return y;
    }

    /// <summary>
    /// The sources of output <paramref name="o"/> along one axis and the weight of the second, by PyTorch's rules
    /// (UpSample.h): nearest_idx (exact for equal and doubled sizes, else floor(o·scale) in float); linear through
    /// area_pixel_compute_source_index (the position computed in double from the float scale, rounded to float,
    /// clamped at 0 at pixel centres). The scale is 1/scale_factor when one is given, else in/out, in float.
    /// </summary>
    static (int I0, int I1, double Lambda1) AxisSources(int o, int input, int output, double? scaleFactor, bool bilinear, bool alignCorners)
    {
        float scale = scaleFactor is { } f ? (float)(1.0 / f) : (float)input / output;
        if (!bilinear)
        {
            int i = output == input ? o : output == 2 * input ? o / 2 : Math.Min((int)MathF.Floor(o * scale), input - 1);
            return (i, i, 0);
        }
        if (output == input)
            return (o, o, 0);
        if (alignCorners)
            scale = output > 1 ? (float)(input - 1) / (output - 1) : 0f;
        float real = alignCorners ? (float)(scale * (double)o) : (float)Math.Max(scale * (o + 0.5) - 0.5, 0);
        int i0 = Math.Min((int)real, input - 1);
        return (i0, i0 < input - 1 ? i0 + 1 : i0, Math.Clamp(real - i0, 0.0, 1.0));
    }

    /// <summary>
    /// torch.nn.functional.interpolate of x [N, C, H, W] to [N, C, outH, outW], nearest or bilinear (separable:
    /// the weights of the two axes multiply), in float64 from PyTorch's source positions.
    /// </summary>
    public static HostArray Interpolate(HostArray x, int outH, int outW, double? scaleFactor, bool bilinear, bool alignCorners = false)
    {
        int planes = x.Shape[0] * x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var y = new HostArray([x.Shape[0], x.Shape[1], outH, outW]);
        for (int p = 0; p < planes; p++)
            for (int oh = 0; oh < outH; oh++)
            {
                var (h0, h1, a) = AxisSources(oh, h, outH, scaleFactor, bilinear, alignCorners);
                for (int ow = 0; ow < outW; ow++)
                {
                    var (w0, w1, b) = AxisSources(ow, w, outW, scaleFactor, bilinear, alignCorners);
                    double At(int i, int j) => x.Data[(p * h + i) * w + j];
                    y.Data[(p * outH + oh) * outW + ow] = (1 - a) * ((1 - b) * At(h0, w0) + b * At(h0, w1))
                        + a * ((1 - b) * At(h1, w0) + b * At(h1, w1));
                }
            }
        return y;
    }

    /// <summary>
    /// torch.nn.functional.pad of the last dimension by (left, right) or of the last two by (left, right, top, bottom):
    /// 'constant' fills with <paramref name="value"/> (negative counts crop), 'reflect' mirrors about the edge pixel,
    /// 'replicate' repeats it.
    /// </summary>
    public static HostArray Pad(HostArray x, int[] pad, string mode, double value = 0)
    {
        int dims = pad.Length / 2, w = x.Shape[^1], h = dims == 2 ? x.Shape[^2] : 1;
        int outW = w + pad[0] + pad[1], outH = dims == 2 ? h + pad[2] + pad[3] : 1;
        int[] shape = dims == 2 ? [.. x.Shape[..^2], outH, outW] : [.. x.Shape[..^1], outW];
        var y = new HostArray(shape);
        int Source(int o, int before, int size)
        {
            int i = o - before;
            return mode switch
            {
                "reflect" => i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i,
                "replicate" => Math.Clamp(i, 0, size - 1),
                _ => i >= 0 && i < size ? i : -1,
            };
        }
        for (int p = 0; p < x.Data.Length / (h * w); p++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    int i = dims == 2 ? Source(oh, pad[2], h) : 0, j = Source(ow, pad[0], w);
                    y.Data[(p * outH + oh) * outW + ow] = i < 0 || j < 0 ? value : x.Data[(p * h + i) * w + j];
                }
        return y;
    }
}
