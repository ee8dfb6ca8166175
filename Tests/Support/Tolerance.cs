namespace QSparse.Tests;

/// <summary>Element-wise comparisons with the tolerances of golden/README.md.</summary>
public static class Tolerance
{
    /// <summary>Asserts |actual - expected| ≤ atol + rtol·|expected| everywhere, naming the worst element.</summary>
    public static void AssertClose(float[] actual, float[] expected, double rtol, double atol, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: element count");
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            double excess = diff - (atol + rtol * Math.Abs(expected[i]));
            if (excess > worstExcess || double.IsNaN(diff))
            {
                worst = i;
                worstExcess = double.IsNaN(diff) ? double.PositiveInfinity : excess;
            }
        }
        if (worst >= 0)
            Assert.Fail($"{what}: element {worst} is {actual[worst]:R}, expected {expected[worst]:R} (rtol {rtol}, atol {atol})");
    }
}
