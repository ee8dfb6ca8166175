using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Exact order statistics on the device (radix selection, <see cref="SelectionKernels"/>): no sort,
/// no copy of the data to the host, exact at every size (<see cref="ApproxQuantile"/> offers the reference's
/// chunked approximation beside it). Row variants select in every row of a
/// [S, L] tensor in the same launches. NaN sorts after +inf (torch.sort); a quantile of data holding
/// a NaN is NaN (torch.quantile).
/// </summary>
public static class Statistics
{
    /// <summary>torch.quantile of all elements of x (any shape, at least one element): float32 [F] for F fractions in [0, 1].</summary>
    public static Tensor Quantile(Tensor x, double[] fractions)
    {
        using var scope = new TensorScope();
        return scope.MoveToOuter(QuantileRows(Flat(x), fractions).Reshape(fractions.Length));
    }

    /// <summary>
    /// torch.quantile(x, fractions, dim=1) transposed: x float32 [S, L] → [S, F]; linear interpolation at
    /// position f·(L - 1) between order statistics, in float32 as torch does.
    /// </summary>
    public static Tensor QuantileRows(Tensor x, double[] fractions)
    {
        var (segments, length) = RowsOf(x);
        if (fractions.Length == 0 || fractions.Any(f => !(f >= 0 && f <= 1)))
            throw new ArgumentException($"fractions [{string.Join(", ", fractions)}] must be non-empty and within [0, 1]",
                nameof(fractions));
        // NOTE: torch computes the position in float32 (q is a tensor of the input's dtype).
        var positions = fractions.Select(f => (float)f * (float)(length - 1)).ToArray();
        var below = positions.Select(p => Math.Min((int)p, length - 1)).ToArray();
        var above = positions.Select(p => Math.Min((int)MathF.Ceiling(p), length - 1)).ToArray();
        var weights = positions.Select((p, i) => p - below[i]).ToArray();
        // The distinct ranks, ascending; the last is always the maximum, which tells whether a NaN is present.
        var ranks = below.Concat(above).Append(length - 1).Distinct().Order().ToArray();
        var plan = ranks.Concat(below.Select(r => Array.IndexOf(ranks, r)))
            .Concat(above.Select(r => Array.IndexOf(ranks, r))).ToArray();
        return Select(x, segments, length, plan, ranks.Length, weights, ranks.Length - 1);
    }

    /// <summary>The reference's default bound: above 2^24 elements it averages chunk quantiles (torch.quantile's size limit).</summary>
    public const int ReferenceQuantileBound = 1 << 24;

    /// <summary>
    /// QSPARSE's approx_quantile of all elements of x: float32 scalar []. At most <paramref name="bound"/>
    /// elements it is <see cref="Quantile"/> (exact); above, the mean of the exact quantiles of chunks of
    /// <paramref name="bound"/> elements (see <see cref="ApproxQuantileRows"/>). Offered for the reference's
    /// decimals on huge tensors; the exact quantile is the default everywhere.
    /// </summary>
    public static Tensor ApproxQuantile(Tensor x, double fraction, int bound = ReferenceQuantileBound)
    {
        using var scope = new TensorScope();
        return scope.MoveToOuter(ApproxQuantileRows(Flat(x), [fraction], bound).Reshape());
    }

    /// <summary>
    /// <see cref="ApproxQuantile"/> in every row of x float32 [S, L]: [S, F]. A row longer than
    /// <paramref name="bound"/> is cut into ceil(L / bound) chunks of exactly bound elements: chunk i holds
    /// elements [i·bound, (i + 1)·bound), except the last, which holds the last bound elements (it overlaps the
    /// one before, so a short tail is not a biased sample); the result is the chunks' exact quantiles summed in
    /// chunk order in float32, then divided by the chunk count (Python's sum(qs) / len(qs)).
    /// </summary>
    public static Tensor ApproxQuantileRows(Tensor x, double[] fractions, int bound = ReferenceQuantileBound)
    {
        var (_, length) = RowsOf(x);
        if (bound < 1)
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be at least 1");
        if (length <= bound)
            return QuantileRows(x, fractions);
        int chunks = (int)(((long)length + bound - 1) / bound);
        using var scope = new TensorScope();
        Tensor? sum = null;
        for (int i = 0; i < chunks; i++)
        {
            int start = i == chunks - 1 ? length - bound : i * bound;
            var q = QuantileRows(x.Detach().Slice(1, start, start + bound), fractions);
            sum = sum == null ? q : sum.Add(q);
        }
        using var count = Tensor.Full(x.Device, [], chunks);
        return scope.MoveToOuter(sum!.Div(count));
    }

    /// <summary>The k-th smallest (0-based) of all elements of x, as a float32 scalar tensor [].</summary>
    public static Tensor KthSmallest(Tensor x, int k)
    {
        using var scope = new TensorScope();
        return scope.MoveToOuter(KthSmallestRows(Flat(x), k).Reshape());
    }

    /// <summary>The k-th smallest (0-based) of every row of x float32 [S, L]: [S].</summary>
    public static Tensor KthSmallestRows(Tensor x, int k)
    {
        var (segments, length) = RowsOf(x);
        if (k < 0 || k >= length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [0, {length}) for rows of {length} values");
        using var scope = new TensorScope();
        return scope.MoveToOuter(Select(x, segments, length, [k, 0, 0], 1, [0f], -1).Reshape(segments));
    }

    static Tensor Flat(Tensor x) => x.Detach().Reshape(1, x.Numel);

    static (int Segments, int Length) RowsOf(Tensor x)
    {
        if (x.Rank != 2 || x.Shape[1] == 0)
            throw new ArgumentException($"expected rows [S, L] with L >= 1, got {ShapeUtil.Format(x.Shape)}", nameof(x));
        return (x.Shape[0], x.Shape[1]);
    }

    /// <summary>Selects the ranks (the first <paramref name="ranks"/> entries of the plan) and interpolates: [S, F].</summary>
    static Tensor Select(Tensor x, int segments, int length, int[] plan, int ranks, float[] weights, int nanCheck)
    {
        var device = x.Device;
        using var scope = new TensorScope();
        var planTensor = Tensor.FromArray(device, plan, plan.Length);
        var weightTensor = Tensor.FromArray(device, weights, weights.Length);
        var selected = Tensor.Empty(device, [segments * ranks], DType.Int32);
        var keys = selected.I32.Cast<uint>();
        SelectionKernels.Select(device, new FloatKeys(x.F32), segments, length, planTensor.I32.SubView(0, ranks), keys);
        var output = Tensor.Empty(device, [segments, weights.Length]);
        SelectionKernels.Interpolate(device, keys, planTensor.I32, weightTensor.F32, output.F32, segments, ranks, nanCheck);
        return scope.MoveToOuter(output);
    }
}
