namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>
    /// torch.nn.functional.conv2d: x [N, Cin, H, W], w [Cout, Cin / groups, kh, kw], b [Cout] or null; every output
    /// pixel is b plus the sum of the taps that land inside the (zero-padded) input, over the input channels
    /// of its group (output channel co is in group co / (Cout / groups)).
    /// </summary>
    public static HostArray Conv2d(HostArray x, HostArray w, HostArray? b, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) dilation, int groups = 1)
    {
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wi = x.Shape[3];
        int cout = w.Shape[0], cg = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3], outPerGroup = cout / groups;
        int ho = (h + 2 * padding.H - dilation.H * (kh - 1) - 1) / stride.H + 1;
        int wo = (wi + 2 * padding.W - dilation.W * (kw - 1) - 1) / stride.W + 1;
        var y = new HostArray([n, cout, ho, wo]);
        for (int ni = 0; ni < n; ni++)
            for (int co = 0; co < cout; co++)
                for (int oh = 0; oh < ho; oh++)
                    for (int ow = 0; ow < wo; ow++)
                    {
                        double sum = b?.Data[co] ?? 0;
                        for (int cj = 0; cj < cg; cj++)
                        {
                            int ci = co / outPerGroup * cg + cj;
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int ih = oh * stride.H - padding.H + i * dilation.H, iw = ow * stride.W - padding.W + j * dilation.W;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wi)
                                        sum += x.Data[((ni * cin + ci) * h + ih) * wi + iw] * w.Data[((co * cg + cj) * kh + i) * kw + j];
                                }
                        }
                        y.Data[((ni * cout + co) * ho + oh) * wo + ow] = sum;
                    }
        return y;
    }

    /// <summary>
    /// torch.nn.functional.conv_transpose2d: x [N, Cin, H, W], w [Cin, Cout / groups, kh, kw], b [Cout] or null; each
    /// input pixel of channel ci scatters x·w[ci, o] to output channel (ci / (Cin / groups))·(Cout / groups) + o at
    /// (ih·s − p + i·d, iw·s − p + j·d), the output being (H − 1)·s − 2p + d·(k − 1) + outputPadding + 1 high.
    /// </summary>
    public static HostArray ConvTranspose2d(HostArray x, HostArray w, HostArray? b, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) outputPadding, (int H, int W) dilation, int groups = 1)
    {
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wi = x.Shape[3];
        int og = w.Shape[1], cout = og * groups, kh = w.Shape[2], kw = w.Shape[3], inPerGroup = cin / groups;
        int ho = (h - 1) * stride.H - 2 * padding.H + dilation.H * (kh - 1) + outputPadding.H + 1;
        int wo = (wi - 1) * stride.W - 2 * padding.W + dilation.W * (kw - 1) + outputPadding.W + 1;
        var y = new HostArray([n, cout, ho, wo]);
        for (int ni = 0; ni < n; ni++)
            for (int co = 0; co < cout; co++)
                for (int k = 0; k < ho * wo; k++)
                    y.Data[(ni * cout + co) * ho * wo + k] = b?.Data[co] ?? 0;
        for (int ni = 0; ni < n; ni++)
            for (int ci = 0; ci < cin; ci++)
                for (int ih = 0; ih < h; ih++)
                    for (int iw = 0; iw < wi; iw++)
                        for (int o = 0; o < og; o++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int oh = ih * stride.H - padding.H + i * dilation.H, ow = iw * stride.W - padding.W + j * dilation.W;
                                    int co = ci / inPerGroup * og + o;
                                    if (oh >= 0 && oh < ho && ow >= 0 && ow < wo)
                                        y.Data[((ni * cout + co) * ho + oh) * wo + ow] +=
                                            x.Data[((ni * cin + ci) * h + ih) * wi + iw] * w.Data[((ci * og + o) * kh + i) * kw + j];
                                }
        return y;
    }

    /// <summary>
    /// torch.nn.functional.max_pool2d over the last two dimensions, padding counting as −∞; also the flat
    /// input index each output took: the first maximum of its window in row-major order, a NaN winning.
    /// </summary>
    public static (HostArray Y, int[] ArgMax) MaxPool2d(HostArray x, int kernel, int stride, int padding = 0, int dilation = 1,
        bool ceilMode = false)
    {
        int h = x.Shape[^2], w = x.Shape[^1], planes = x.Data.Length / (h * w);
        int OutSize(int size)
        {
            int span = size + 2 * padding - dilation * (kernel - 1) - 1;
            int o = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
            // PyTorch: the last window must start inside the input or its left padding.
            return ceilMode && (o - 1) * stride >= size + padding ? o - 1 : o;
        }
        int ho = OutSize(h), wo = OutSize(w);
        var y = new HostArray([.. x.Shape[..^2], ho, wo]);
        var arg = new int[y.Data.Length];
        for (int p = 0; p < planes; p++)
            for (int oh = 0; oh < ho; oh++)
                for (int ow = 0; ow < wo; ow++)
                {
                    double best = double.NegativeInfinity;
                    int at = -1;
                    for (int i = 0; i < kernel; i++)
                        for (int j = 0; j < kernel; j++)
                        {
                            int ih = oh * stride - padding + i * dilation, iw = ow * stride - padding + j * dilation;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w)
                                continue;
                            int flat = (p * h + ih) * w + iw;
                            double v = x.Data[flat];
                            if (at < 0 || (!double.IsNaN(best) && (v > best || double.IsNaN(v))))
                                (best, at) = (v, flat);
                        }
                    int o = (p * ho + oh) * wo + ow;
                    (y.Data[o], arg[o]) = (best, at);
                }
        return (y, arg);
    }
}
