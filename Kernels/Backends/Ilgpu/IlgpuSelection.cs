using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Exact order statistics by radix selection, segmented: <c>segments</c> contiguous rows of
/// <c>length</c> keys each, and per row the same list of ranks (0-based positions in ascending
/// order). Four passes fix the key 8 bits at a time, most significant first: each pass histograms
/// the digit of the keys that still match a query's prefix, then picks the bin holding the wanted rank.
/// <see cref="SelectPlan"/> says how: on CPUs per-thread global histograms and one thread per query; on
/// GPUs per-group shared-memory histograms and one group per query (<c>IlgpuSelection.Gpu.cs</c>).
/// Nothing is sorted and nothing leaves the device.
/// </summary>
static partial class IlgpuSelection
{
    const int Bins = SelectPlan.Bins, DigitBits = 8, Passes = SelectPlan.Passes;

    internal readonly struct InitBody(ArrayView<int> ranks, ArrayView<uint> prefix, ArrayView<int> remaining,
        int rankCount) : IElementBody
    {
        public void Run(int q)
        {
            prefix[q] = 0;
            remaining[q] = ranks[q % rankCount];
        }
    }

    /// <summary>
    /// Counts, per query, the current digit of every key of its row that matches the query's prefix.
    /// Thread t adds into histogram copy t % Copies: on the CPU each thread owns one and skips atomics.
    /// </summary>
    static void HistogramKernel<TKeys>(HistogramArgs<TKeys> args) where TKeys : struct, ISelectKeys
    {
        var (r, keys, prefix, histogram, p) = args;
        int t = Grid.GlobalIndex.X;
        int copyBase = t % p.Copies * p.Queries;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            uint key = keys.Key(i);
            int digit = (int)((key >> p.Shift) & (Bins - 1));
            int q0 = i / p.Length * p.Ranks;
            for (int k = 0; k < p.Ranks; k++)
                if ((key & p.Mask) == prefix[q0 + k])
                {
                    int at = (copyBase + q0 + k) * Bins + digit;
                    if (p.Exclusive != 0)
                        histogram[at]++;
                    else
                        Atomic.Add(ref histogram[at], 1);
                }
        }
    }

    internal readonly record struct HistogramArgs<TKeys>(ElementRange Range, TKeys Keys, ArrayView<uint> Prefix,
        ArrayView<int> Histogram, SelectPass Pass) where TKeys : struct, ISelectKeys;

    /// <summary>Per query: the bin holding its remaining rank becomes the next digit; clears the bins it read.</summary>
    internal readonly struct ChooseBody(ArrayView<int> histogram, ArrayView<uint> prefix, ArrayView<int> remaining,
        SelectPass p) : IElementBody
    {
        public void Run(int q)
        {
            int need = remaining[q], before = 0, digit = -1;
            for (int b = 0; b < Bins; b++)
            {
                int count = 0;
                for (int c = 0; c < p.Copies; c++)
                {
                    int at = (c * p.Queries + q) * Bins + b;
                    count += histogram[at];
                    histogram[at] = 0;
                }
                if (digit < 0)
                {
                    if (need < before + count)
                        digit = b;
                    else
                        before += count;
                }
            }
            remaining[q] = need - before;
            prefix[q] |= (uint)(digit < 0 ? Bins - 1 : digit) << p.Shift;
        }
    }

    /// <summary>
    /// Output (row, f): the selected keys at plan[Ranks + f] (below) and plan[Ranks + Fractions + f]
    /// (above) interpolated by weights[f] as torch.lerp; NaN when NanCheck names the row's maximum and
    /// it is NaN, as torch.quantile. NOTE: equal ranks return the value itself, so infinities survive.
    /// </summary>
    internal readonly struct InterpolateBody(ArrayView<uint> selected, ArrayView<int> plan,
        ArrayView<float> weights, ArrayView<float> output, InterpolateShape s) : IElementBody
    {
        public void Run(int o)
        {
            int row = o / s.Fractions, f = o - row * s.Fractions, q0 = row * s.Ranks;
            int below = plan[s.Ranks + f], above = plan[s.Ranks + s.Fractions + f];
            float a = FloatKeys.FromKey(selected[q0 + below]);
            float b = FloatKeys.FromKey(selected[q0 + above]);
            float w = weights[f];
            float v = below == above ? a : w < 0.5f ? ExactMath.Add(a, ExactMath.Mul(w, ExactMath.Sub(b, a))) : ExactMath.Sub(b, ExactMath.Mul(ExactMath.Sub(b, a), ExactMath.Sub(1f, w)));
            output[o] = s.NanCheck >= 0 && selected[q0 + s.NanCheck] == 0xFFFFFFFFu ? float.NaN : v;
        }
    }

    /// <summary>
    /// selected[row · R + k] = the key of rank ranks[k] among keys row·length .. row·length + length - 1,
    /// for every row of <paramref name="segments"/> and every k of the R = ranks.Length ranks.
    /// </summary>
    public static void Select<TKeys>(Device d, TKeys keys, int segments, int length, ArrayView<int> ranks,
        ArrayView<uint> selected) where TKeys : struct, ISelectKeys
    {
        int rankCount = (int)ranks.Length, queries = segments * rankCount, count = segments * length;
        var (config, range) = d.Elements(count);
        var plan = SelectionKernels.Plan(d, segments, length, rankCount);
        var remainingBuffer = d.Pool.Rent((long)queries * sizeof(int));
        var histogramBuffer = d.Pool.Rent(plan.HistogramInts * sizeof(int));
        try
        {
            var remaining = remainingBuffer.As<int>(queries);
            var histogram = histogramBuffer.As<int>(plan.HistogramInts);
            CopyKernels.Fill(d, histogram, 0);
            d.ForEach(queries, new InitBody(ranks, selected, remaining, rankCount));
            var histogramKernel = d.Kernel<HistogramArgs<TKeys>>(HistogramKernel);
            for (int pass = 0; pass < Passes; pass++)
            {
                int shift = 32 - DigitBits * (pass + 1);
                uint mask = pass == 0 ? 0u : 0xFFFFFFFFu << (32 - DigitBits * pass);
                var p = new SelectPass(segments, length, rankCount, plan.Copies, plan.Exclusive ? 1 : 0, shift, mask);
                if (plan.Shared)
                    SharedHistogram(d, plan, keys, selected, histogram, p);
                else
                    histogramKernel(config, new HistogramArgs<TKeys>(range, keys, selected, histogram, p));
                if (d.IsCpu)
                    d.ForEach(queries, new ChooseBody(histogram, selected, remaining, p));
                else
                    Choose(d, histogram, selected, remaining, p);
            }
        }
        finally
        {
            d.Pool.Return(histogramBuffer);
            d.Pool.Return(remainingBuffer);
        }
    }

    /// <summary>
    /// output [segments, F] from the selected float keys [segments, R] (see <see cref="Select{TKeys}"/>):
    /// plan holds the R ranks, then F indices below and F indices above into them; weights [F] the
    /// interpolation weights; <paramref name="nanCheck"/> the index of the row maximum's rank when a NaN
    /// there must make the outputs NaN (torch.quantile), else -1 (NaN sorts last, as torch.sort).
    /// </summary>
    public static void Interpolate(Device d, ArrayView<uint> selected, ArrayView<int> plan, ArrayView<float> weights,
        ArrayView<float> output, int segments, int ranks, int nanCheck)
    {
        int fractions = (int)weights.Length;
        var shape = new InterpolateShape(segments, ranks, fractions, nanCheck);
        d.ForEach(segments * fractions, new InterpolateBody(selected, plan, weights, output, shape));
    }
}
