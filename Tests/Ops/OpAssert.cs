namespace QSparse.Tests.Ops;

/// <summary>Element-wise comparison that names the row, the quantity and the worst element.</summary>
public static class OpAssert
{
    /// <summary>
    /// Asserts |actual − expected| ≤ tol.Atol·scale + tol.Rtol·|expected| everywhere (a NaN expected
    /// wants a NaN); the failure reads "{what}: max diff D at element i: a, expected e (rtol, atol)".
    /// </summary>
    public static void Close(IReadOnlyList<float> actual, IReadOnlyList<double> expected, Tol tol, double scale, string what)
    {
        Assert.That(actual.Count, Is.EqualTo(expected.Count), $"{what}: element count");
        int worst = -1;
        double worstExcess = 0, maxDiff = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a))
                continue;
            double diff = Math.Abs(a - e);
            double excess = double.IsNaN(diff) ? double.PositiveInfinity : diff - (tol.Atol * scale + tol.Rtol * Math.Abs(e));
            maxDiff = Math.Max(maxDiff, double.IsNaN(diff) ? double.PositiveInfinity : diff);
            if (excess > worstExcess)
                (worst, worstExcess) = (i, excess);
        }
        if (worst >= 0)
            Assert.Fail($"{what}: max diff {maxDiff:G3} at element {worst}: {actual[worst]:R}, expected {expected[worst]:R} " +
                $"(rtol {tol.Rtol}, atol {tol.Atol * scale:G3})");
    }

    public static void Close(IReadOnlyList<float> actual, IReadOnlyList<float> expected, Tol tol, double scale, string what) =>
        Close(actual, expected.Select(v => (double)v).ToArray(), tol, scale, what);

    /// <summary>Asserts the shapes match, naming the row.</summary>
    public static void SameShape(int[] actual, int[] expected, string what) =>
        Assert.That(actual, Is.EqualTo(expected), $"{what}: shape [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}]");
}
