namespace QSparse.Host.Verification;

/// <summary>
/// The integer replay's view of a Conv2d [out, in / groups, kh, kw] on [N, in, H, W] (any stride, padding, dilation,
/// groups), of a ConvTranspose2d [in, out / groups, kh, kw] (<paramref name="Transposed"/>: input (iy, ix) adds into
/// output (iy·s − p + ky·d, ix·s − p + kx·d)), or of a Linear [out, in] on [N, in] as the 1×1 case: sizes, and the
/// accumulation itself.
/// </summary>
sealed record Geometry(int N, int InChannels, int H, int W, int OutChannels, int Kh, int Kw, Size2 Stride, Size2 Padding, Size2 Dilation,
    int Ho, int Wo, int Groups = 1, bool Transposed = false)
{
    /// <summary>Output pixels per channel.</summary>
    public int Plane => Ho * Wo;

    /// <summary>The geometry of <paramref name="layer"/> (Conv2d or Linear) on an input of <paramref name="inputShape"/>; the trace's output shape must agree.</summary>
    public static Geometry Of(Module layer, int[] weightShape, int[] inputShape, int[] outputShape)
    {
        var g = layer switch
        {
            Conv2d c when inputShape.Length == 4 => new Geometry(inputShape[0], inputShape[1], inputShape[2], inputShape[3], weightShape[0],
                weightShape[2], weightShape[3], c.Stride, c.Padding, c.Dilation,
                (inputShape[2] + 2 * c.Padding.H - c.Dilation.H * (weightShape[2] - 1) - 1) / c.Stride.H + 1,
                (inputShape[3] + 2 * c.Padding.W - c.Dilation.W * (weightShape[3] - 1) - 1) / c.Stride.W + 1, c.Groups),
            ConvTranspose2d c when inputShape.Length == 4 => new Geometry(inputShape[0], inputShape[1], inputShape[2], inputShape[3],
                weightShape[1] * c.Groups, weightShape[2], weightShape[3], c.Stride, c.Padding, c.Dilation,
                (inputShape[2] - 1) * c.Stride.H - 2 * c.Padding.H + c.Dilation.H * (weightShape[2] - 1) + c.OutputPadding.H + 1,
                (inputShape[3] - 1) * c.Stride.W - 2 * c.Padding.W + c.Dilation.W * (weightShape[3] - 1) + c.OutputPadding.W + 1, c.Groups, Transposed: true),
            Linear when inputShape.Length == 2 => new Geometry(inputShape[0], inputShape[1], 1, 1, weightShape[0], 1, 1, 1, 0, 1, 1, 1),
            _ => throw new InvalidOperationException($"verify-int cannot replay {layer.TypeName} on an input of shape {Format(inputShape)}"),
        };
        int[] expected = inputShape.Length == 4 ? [g.N, g.OutChannels, g.Ho, g.Wo] : [g.N, g.OutChannels];
        if (!expected.SequenceEqual(outputShape))
            throw new InvalidOperationException($"verify-int computed {Format(expected)} for {layer.TypeName}, the network gave {Format(outputShape)}");
        return g;
    }

    static string Format(int[] shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Σ x·w per output element [N, out, Ho, Wo] in exact integers, and the largest Σ|x·w| (the accumulator's range).</summary>
    public (long[] Acc, long Worst) Accumulate(long[] x, long[] w)
    {
        var acc = new long[N * OutChannels * Plane];
        var bound = new long[N * OutChannels];
        int kk = Kh * Kw, groupIn = InChannels / Groups, groupOut = OutChannels / Groups;
        Parallel.For(0, N * OutChannels, no =>
        {
            int s = no / OutChannels, o = no % OutChannels, firstIn = o / groupOut * groupIn;
            for (int y = 0; y < Ho; y++)
                for (int xx = 0; xx < Wo; xx++)
                {
                    long sum = 0, abs = 0;
                    // Output channel o reads only its group's input channels firstIn .. firstIn + groupIn − 1.
                    for (int c = 0; c < groupIn; c++)
                    {
                        int xBase = (s * InChannels + firstIn + c) * H * W;
                        int wBase = (Transposed ? (firstIn + c) * groupOut + o % groupOut : o * groupIn + c) * kk;
                        for (int ky = 0; ky < Kh; ky++)
                        {
                            int iy = Source(y, ky, Stride.H, Padding.H, Dilation.H);
                            if (iy < 0 || iy >= H)
                                continue;
                            for (int kx = 0; kx < Kw; kx++)
                            {
                                int ix = Source(xx, kx, Stride.W, Padding.W, Dilation.W);
                                if (ix < 0 || ix >= W)
                                    continue;
                                long p = x[xBase + iy * W + ix] * w[wBase + ky * Kw + kx];
                                sum += p;
                                abs += Math.Abs(p);
                            }
                        }
                    }
                    acc[no * Plane + y * Wo + xx] = sum;
                    bound[no] = Math.Max(bound[no], abs);
                }
        });
        return (acc, bound.Max());
    }

    /// <summary>
    /// The input row (or column) kernel tap k reads for output position y: y·s − p + k·d, or for a transposed
    /// convolution the iy with iy·s − p + k·d = y (−1 when there is none).
    /// </summary>
    int Source(int y, int k, int stride, int padding, int dilation)
    {
        if (!Transposed)
            return y * stride - padding + k * dilation;
        int t = y + padding - k * dilation;
        return t >= 0 && t % stride == 0 ? t / stride : -1;
    }
}
