using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// The linear quantizer Q(x, N, d) with one d per channel of x viewed as [outer, C, inner], its
/// clipped straight-through gradient, and the decimal-bit search: the squared quantization error of
/// every candidate d for every channel in one launch, then an argmin per channel.
/// </summary>
public static class QuantizeKernels
{

    static void ForwardKernel(ElementRange r, ArrayView<float> x, ArrayView<float> decimals, ArrayView<float> y,
        ChannelShape s, QuantizeParams q)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            y[i] = q.Apply(x[i], decimals[s.ChannelOf(i)]);
        }
    }

    static void BackwardKernel(ElementRange r, ArrayView<float> gradOut, ArrayView<float> decimals,
        ArrayView<float> gradIn, ChannelShape s, QuantizeParams q)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            gradIn[i] = q.ClipGradient(gradOut[i], decimals[s.ChannelOf(i)]);
        }
    }

    /// <summary>Copies x ([outer, C, inner]) into channel-major rows y[c, offset + k], rows of <paramref name="rowLength"/>.</summary>
    static void GatherKernel(ElementRange r, ArrayView<float> x, ArrayView<float> y, ChannelShape s, int rowLength, int offset)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            int c = s.ChannelOf(i), n = i / (s.Channels * s.Inner);
            y[c * rowLength + offset + n * s.Inner + i % s.Inner] = x[i];
        }
    }

    /// <summary>
    /// Item ((segment · Splits + split) · Candidates + candidate): the squared error of that candidate
    /// over one contiguous part of the segment, summed in double. Candidates vary fastest so a thread's
    /// consecutive items re-read the same part from cache.
    /// </summary>
    static void SearchErrorKernel(ElementRange r, ArrayView<float> x, ArrayView<float> bounds, ArrayView<double> partial,
        SearchShape s, QuantizeParams q)
    {
        int t = Grid.GlobalIndex.X;
        int chunk = (s.Length + s.Splits - 1) / s.Splits;
        for (int j = 0; j < r.PerThread; j++)
        {
            int item = r.Element(t, j);
            if (item < 0) return;
            int candidate = item % s.Candidates, part = item / s.Candidates;
            int segment = part / s.Splits, split = part - segment * s.Splits;
            int begin = split * chunk, end = begin + chunk < s.Length ? begin + chunk : s.Length;
            float d = s.Lo + candidate;
            float lo = s.Saturate != 0 ? bounds[2 * segment] : 0f, hi = s.Saturate != 0 ? bounds[2 * segment + 1] : 0f;
            double acc = 0;
            for (int k = begin; k < end; k++)
            {
                float v = x[segment * s.Length + k];
                if (s.Saturate != 0)
                    v = v < lo ? lo : v > hi ? hi : v; // torch.clamp(v, lo, hi)
                float e = v - q.Apply(v, d);
                acc += (double)e * e;
            }
            partial[item] = acc;
        }
    }

    /// <summary>Per segment: sums the splits in a fixed order and keeps the first (smallest) d of least error.</summary>
    static void ArgMinKernel(ElementRange r, ArrayView<double> partial, ArrayView<float> decimals, SearchShape s)
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int segment = r.Element(t, j);
            if (segment < 0) return;
            double best = double.PositiveInfinity;
            int bestCandidate = 0;
            for (int c = 0; c < s.Candidates; c++)
            {
                double err = 0;
                for (int split = 0; split < s.Splits; split++)
                    err += partial[(segment * s.Splits + split) * s.Candidates + c];
                // NOTE: strict < keeps the smallest d on ties, as the reference's argmin.
                if (err < best)
                {
                    best = err;
                    bestCandidate = c;
                }
            }
            decimals[segment] = s.Lo + bestCandidate;
        }
    }

    /// <summary>y = Q(x) with decimals[channel of i] fractional bits.</summary>
    public static void Forward(Device d, ArrayView<float> x, ArrayView<float> decimals, ArrayView<float> y,
        ChannelShape shape, QuantizeParams q)
    {
        if (d.NativeCpu)
        {
            NativeQuantize.Forward(d, x, decimals, y, shape, q);
            return;
        }
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelShape, QuantizeParams>(
            ForwardKernel)(config, range, x, decimals, y, shape, q);
    }

    /// <summary>gradIn = clamp(gradOut, Min·2^-d, Max·2^-d) with each element's channel's d.</summary>
    public static void Backward(Device d, ArrayView<float> gradOut, ArrayView<float> decimals, ArrayView<float> gradIn,
        ChannelShape shape, QuantizeParams q)
    {
        if (d.NativeCpu)
        {
            NativeQuantize.Backward(d, gradOut, decimals, gradIn, shape, q);
            return;
        }
        var (config, range) = d.Elements((int)gradIn.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelShape, QuantizeParams>(
            BackwardKernel)(config, range, gradOut, decimals, gradIn, shape, q);
    }

    /// <summary>
    /// Writes x (shape [outer, C, inner] as <paramref name="shape"/>) into columns
    /// [offset, offset + outer·inner) of the channel-major rows y [C, rowLength].
    /// </summary>
    public static void GatherChannels(Device d, ArrayView<float> x, ArrayView<float> y, ChannelShape shape,
        int rowLength, int offset)
    {
        var (config, range) = d.Elements((int)x.Length);
        d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ChannelShape, int, int>(GatherKernel)(
            config, range, x, y, shape, rowLength, offset);
    }

    /// <summary>
    /// For each of the <paramref name="segments"/> rows of x [segments, length], writes to decimals [segments]
    /// the d in [lo, hi) minimising sum((xs - Q(xs, d))²), ties to the smallest d; xs is the row clamped
    /// to bounds [segments, 2] (lower, upper) when <paramref name="bounds"/> is given.
    /// </summary>
    public static void SearchDecimal(Device d, ArrayView<float> x, int segments, int length, ArrayView<float>? bounds,
        int lo, int hi, QuantizeParams q, ArrayView<float> decimals)
    {
        int candidates = hi - lo;
        // Split long rows until the items fill the device, keeping at least 256 values per part.
        int wanted = (d.ParallelThreads * 4 + segments * candidates - 1) / (segments * candidates);
        int splits = Math.Clamp(wanted, 1, Math.Max(1, length / 256));
        var s = new SearchShape(segments, length, splits, lo, candidates, bounds.HasValue ? 1 : 0);
        long items = (long)segments * splits * candidates;
        var partialBuffer = d.Pool.Rent(items * sizeof(double));
        try
        {
            var partial = partialBuffer.As<double>(items);
            // A dummy bounds view when unsaturated: the kernel never reads it.
            var b = bounds ?? x.SubView(0, 1);
            var (c1, r1) = d.Elements((int)items);
            d.Kernel<ElementRange, ArrayView<float>, ArrayView<float>, ArrayView<double>, SearchShape, QuantizeParams>(
                SearchErrorKernel)(c1, r1, x, b, partial, s, q);
            var (c2, r2) = d.Elements(segments);
            d.Kernel<ElementRange, ArrayView<double>, ArrayView<float>, SearchShape>(ArgMinKernel)(c2, r2, partial, decimals, s);
        }
        finally
        {
            d.Pool.Return(partialBuffer);
        }
    }
}
