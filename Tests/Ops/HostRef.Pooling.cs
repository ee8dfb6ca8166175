namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>One pooling window over a plane: the flat in-plane indices it reads and how many of its positions lie in the padded plane.</summary>
    readonly record struct PoolWindow(int[] Inputs, int Padded);

    /// <summary>
    /// The windows of a 2-d pooling over an h×w plane, row-major: window (oh, ow) is the kernel's grid of positions
    /// (oh·stride - pad + i·dilation, ...), of which those inside the plane are read. PyTorch's output size: the last
    /// window of ceil_mode must start inside the plane or its left padding.
    /// </summary>
    static PoolWindow[] PoolWindows(int h, int w, (int H, int W) kernel, (int H, int W) stride, (int H, int W) pad,
        (int H, int W) dilation, bool ceilMode, out int outH, out int outW)
    {
        static int OutSize(int size, int k, int s, int p, int d, bool ceil)
        {
            double span = (size + 2 * p - d * (k - 1) - 1) / (double)s;
            int o = (int)(ceil ? Math.Ceiling(span) : Math.Floor(span)) + 1;
            return ceil && (o - 1) * s >= size + p ? o - 1 : o;
        }
        int ho = OutSize(h, kernel.H, stride.H, pad.H, dilation.H, ceilMode), wo = OutSize(w, kernel.W, stride.W, pad.W, dilation.W, ceilMode);
        var windows = new PoolWindow[ho * wo];
        for (int oh = 0; oh < ho; oh++)
            for (int ow = 0; ow < wo; ow++)
            {
                var inputs = new List<int>();
                int padded = 0;
                for (int i = 0; i < kernel.H; i++)
                    for (int j = 0; j < kernel.W; j++)
                    {
                        int ih = oh * stride.H - pad.H + i * dilation.H, iw = ow * stride.W - pad.W + j * dilation.W;
                        if (ih >= -pad.H && ih < h + pad.H && iw >= -pad.W && iw < w + pad.W)
                            padded++;
                        if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                            inputs.Add(ih * w + iw);
                    }
                windows[oh * wo + ow] = new([.. inputs], padded);
            }
        (outH, outW) = (ho, wo);
        return windows;
    }

    /// <summary>Applies <paramref name="reduce"/> (the plane, a window) to every window of every plane of x [..., H, W].</summary>
    static HostArray PoolPlanes(HostArray x, PoolWindow[] windows, int outH, int outW, Func<double[], int, PoolWindow, double> reduce)
    {
        int plane = x.Shape[^2] * x.Shape[^1], planes = x.Data.Length / plane;
        var y = new HostArray([.. x.Shape[..^2], outH, outW]);
        for (int p = 0; p < planes; p++)
            for (int o = 0; o < windows.Length; o++)
                y.Data[p * windows.Length + o] = reduce(x.Data, p * plane, windows[o]);
        return y;
    }

    /// <summary>
    /// torch.nn.functional.avg_pool2d: each window's sum over the input it reads, divided by divisor_override, else
    /// by its positions in the padded plane (count_include_pad) or in the plane; 0 for a window reading no input.
    /// </summary>
    public static HostArray AvgPool2d(HostArray x, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        var windows = PoolWindows(x.Shape[^2], x.Shape[^1], kernel, stride, padding, (1, 1), ceilMode, out int ho, out int wo);
        return PoolPlanes(x, windows, ho, wo, (data, at, win) => win.Inputs.Length == 0 ? 0
            : win.Inputs.Sum(i => data[at + i]) / (divisorOverride ?? (countIncludePad ? win.Padded : win.Inputs.Length)));
    }

    /// <summary>torch.nn.functional.max_pool2d with (H, W) sizes: each window's maximum over the input it reads.</summary>
    public static HostArray MaxPool2d(HostArray x, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) dilation, bool ceilMode = false)
    {
        var windows = PoolWindows(x.Shape[^2], x.Shape[^1], kernel, stride, padding, dilation, ceilMode, out int ho, out int wo);
        return PoolPlanes(x, windows, ho, wo, (data, at, win) => win.Inputs.Max(i => data[at + i]));
    }

    /// <summary>torch.nn.functional.adaptive_avg_pool2d: window i covers [floor(i·in/out), ceil((i + 1)·in/out)) on each axis.</summary>
    public static HostArray AdaptiveAvgPool2d(HostArray x, int outH, int outW)
    {
        int h = x.Shape[^2], w = x.Shape[^1];
        static (int Start, int End) Span(int i, int input, int output) =>
            ((int)Math.Floor(i * (double)input / output), (int)Math.Ceiling((i + 1) * (double)input / output));
        var windows = new PoolWindow[outH * outW];
        for (int oh = 0; oh < outH; oh++)
            for (int ow = 0; ow < outW; ow++)
            {
                var (h0, h1) = Span(oh, h, outH);
                var (w0, w1) = Span(ow, w, outW);
                int[] inputs = [.. from ih in Enumerable.Range(h0, h1 - h0) from iw in Enumerable.Range(w0, w1 - w0) select ih * w + iw];
                windows[oh * outW + ow] = new(inputs, inputs.Length);
            }
        return PoolPlanes(x, windows, outH, outW, (data, at, win) => win.Inputs.Average(i => data[at + i]));
    }
}
