using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// The linear quantizer Q(x, N, d) with one d per channel of x viewed as [outer, C, inner], its
/// clipped straight-through gradient, and the decimal-bit search: the squared quantization error of
/// every candidate d for every channel in one launch, then an argmin per channel.
/// </summary>
static class IlgpuQuantize
{
    internal readonly struct ForwardBody(ArrayView<float> x, ArrayView<float> decimals, ArrayView<float> y,
        ChannelShape s, QuantizeParams q) : IElementBody
    {
        public void Run(int i) => y[i] = q.Apply(x[i], decimals[s.ChannelOf(i)]);
    }

    internal readonly struct BackwardBody(ArrayView<float> gradOut, ArrayView<float> decimals,
        ArrayView<float> gradIn, ChannelShape s, QuantizeParams q) : IElementBody
    {
        public void Run(int i) => gradIn[i] = q.ClipGradient(gradOut[i], decimals[s.ChannelOf(i)]);
    }

    /// <summary>Copies x ([outer, C, inner]) into channel-major rows y[c, offset + k], rows of <paramref name="rowLength"/>.</summary>
    internal readonly struct GatherBody(ArrayView<float> x, ArrayView<float> y, ChannelShape s, int rowLength,
        int offset) : IElementBody
    {
        public void Run(int i)
        {
            int c = s.ChannelOf(i), n = i / (s.Channels * s.Inner);
            y[c * rowLength + offset + n * s.Inner + i % s.Inner] = x[i];
        }
    }

    /// <summary>
    /// Item ((segment · Splits + split) · Candidates + candidate): the squared error of that candidate
    /// over one contiguous part of the segment, summed in double. Candidates vary fastest so a thread's
    /// consecutive items re-read the same part from cache.
    /// </summary>
    internal readonly struct SearchErrorBody(ArrayView<float> x, ArrayView<float> bounds, ArrayView<double> partial,
        SearchShape s, QuantizeParams q) : IElementBody
    {
        public void Run(int item)
        {
            int chunk = (s.Length + s.Splits - 1) / s.Splits;
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
                float e = ExactMath.Sub(v, q.Apply(v, d));
                acc = ExactMath.Add(acc, ExactMath.Mul((double)e, e));
            }
            partial[item] = acc;
        }
    }

    /// <summary>Per segment: sums the splits in a fixed order and keeps the first (smallest) d of least error.</summary>
    internal readonly struct ArgMinBody(ArrayView<double> partial, ArrayView<float> decimals, SearchShape s)
        : IElementBody
    {
        public void Run(int segment)
        {
            double best = double.PositiveInfinity;
            int bestCandidate = 0;
            for (int c = 0; c < s.Candidates; c++)
            {
                double err = 0;
                for (int split = 0; split < s.Splits; split++)
                    err = ExactMath.Add(err, partial[(segment * s.Splits + split) * s.Candidates + c]);
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
        ChannelShape shape, QuantizeParams q) =>
        d.ForEach((int)y.Length, new ForwardBody(x, decimals, y, shape, q));

    /// <summary>gradIn = clamp(gradOut, Min·2^-d, Max·2^-d) with each element's channel's d.</summary>
    public static void Backward(Device d, ArrayView<float> gradOut, ArrayView<float> decimals, ArrayView<float> gradIn,
        ChannelShape shape, QuantizeParams q) =>
        d.ForEach((int)gradIn.Length, new BackwardBody(gradOut, decimals, gradIn, shape, q));

    /// <summary>
    /// Writes x (shape [outer, C, inner] as <paramref name="shape"/>) into columns
    /// [offset, offset + outer·inner) of the channel-major rows y [C, rowLength].
    /// </summary>
    public static void GatherChannels(Device d, ArrayView<float> x, ArrayView<float> y, ChannelShape shape,
        int rowLength, int offset) =>
        d.ForEach((int)x.Length, new GatherBody(x, y, shape, rowLength, offset));

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
            d.ForEach((int)items, new SearchErrorBody(x, b, partial, s, q));
            d.ForEach(segments, new ArgMinBody(partial, decimals, s));
        }
        finally
        {
            d.Pool.Return(partialBuffer);
        }
    }
}
