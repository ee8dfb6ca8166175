namespace QSparse.Tests;

/// <summary>Sample statistics of host values, for the initialisation checks.</summary>
public static class Stats
{
    public static double Mean(IReadOnlyCollection<float> v) => v.Average(f => (double)f);

    /// <summary>The population standard deviation.</summary>
    public static double Std(IReadOnlyCollection<float> v)
    {
        double mean = Mean(v);
        return Math.Sqrt(v.Sum(f => (f - mean) * (f - mean)) / v.Count);
    }
}
