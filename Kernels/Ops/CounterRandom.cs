namespace QSparse.Kernels;

/// <summary>
/// Counter-based random numbers: element i of a draw hashes (seed, offset + i), so every backend
/// and every launch shape produces the same values for the same seed, and no state lives on the device.
/// </summary>
static class CounterRandom
{
    /// <summary>SplitMix64's finaliser: a bijective mix with good avalanche.</summary>
    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public static float Uniform(ulong seed, ulong counter) =>
        ExactMath.Mul(Mix(seed + counter * 0x9E3779B97F4A7C15UL) >> 40, 1f / 16777216f);

    /// <summary><paramref name="scale"/> with probability <paramref name="keep"/>, else 0: one element of a dropout mask.</summary>
    public static float Bernoulli(ulong seed, ulong counter, float keep, float scale) =>
        Uniform(seed, counter) < keep ? scale : 0f;
}
