namespace QSparse.Tests.Ops;

/// <summary>The input generators of the op table (named after the kink or domain they respect).</summary>
public static class In
{
    /// <summary>Uniform in [lo, hi).</summary>
    public static OpInput Uniform(int[] shape, double lo = -1, double hi = 1) =>
        new(shape, InputKind.Float, (r, n) => Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray());

    /// <summary>Standard normal (the cross-backend inputs of the native edge cases).</summary>
    public static OpInput Normal(params int[] shape) =>
        new(shape, InputKind.Float, (r, n) => Enumerable.Range(0, n)
            .Select(_ => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())).ToArray());

    /// <summary>±[margin, 1): no value near the kink at 0 (relu, abs, where on a sign), so a finite difference never crosses it.</summary>
    public static OpInput AwayFromZero(int[] shape, double margin = 0.1) =>
        new(shape, InputKind.Float, (r, n) => Enumerable.Range(0, n)
            .Select(_ => (r.Next(2) == 0 ? -1 : 1) * (margin + (1 - margin) * r.NextDouble())).ToArray());

    /// <summary>Uniform in [lo, hi) but at least 0.05 from each of <paramref name="kinks"/> (clamp's bounds).</summary>
    public static OpInput Avoiding(int[] shape, double lo, double hi, params double[] kinks) =>
        new(shape, InputKind.Float, (r, n) => Enumerable.Range(0, n).Select(_ =>
        {
            double v;
            do v = lo + (hi - lo) * r.NextDouble();
            while (kinks.Any(k => Math.Abs(v - k) < 0.05));
            return v;
        }).ToArray());

    /// <summary>[lo, hi) with lo > 0 (log, sqrt, a divisor, a non-integer power).</summary>
    public static OpInput Positive(int[] shape, double lo = 0.5, double hi = 2) => Uniform(shape, lo, hi);

    /// <summary>
    /// Distinct values <paramref name="spacing"/> apart (shifted by <paramref name="offset"/>), shuffled: no ties
    /// for max and max pooling, and two inputs with offsets 0 and spacing/2 never tie with each other.
    /// </summary>
    public static OpInput Distinct(int[] shape, double spacing = 0.05, double offset = 0) =>
        new(shape, InputKind.Float, (r, n) =>
        {
            var values = Enumerable.Range(0, n).Select(i => spacing * (i - n / 2) + offset).ToArray();
            r.Shuffle(values);
            return values;
        });

    /// <summary>Small integers in [lo, hi]: ties on purpose (comparisons, tie-breaking rules).</summary>
    public static OpInput Integers(int[] shape, int lo, int hi) =>
        new(shape, InputKind.Constant, (r, n) => Enumerable.Range(0, n).Select(_ => (double)r.Next(lo, hi + 1)).ToArray());

    /// <summary>Exactly these values, not differentiated.</summary>
    public static OpInput Fixed(int[] shape, params double[] values) => new(shape, InputKind.Constant, (_, _) => values);

    /// <summary>int64 labels in [0, classes).</summary>
    public static OpInput Labels(int n, int classes) =>
        new([n], InputKind.Labels, (r, count) => Enumerable.Range(0, count).Select(_ => (double)r.Next(classes)).ToArray());

    /// <summary>A bool mask, each element true with probability <paramref name="keep"/>.</summary>
    public static OpInput Mask(int[] shape, double keep = 0.6) =>
        new(shape, InputKind.Mask, (r, n) => Enumerable.Range(0, n).Select(_ => r.NextDouble() < keep ? 1.0 : 0.0).ToArray());
}
