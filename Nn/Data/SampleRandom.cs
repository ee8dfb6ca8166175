namespace QSparse.Nn.Data;

/// <summary>
/// The random stream of one example in one epoch (SplitMix64), seeded by (loader seed, epoch, example index):
/// a random transform draws from it, so its result depends on those three numbers only, not on which thread
/// prepares the batch or how far ahead.
/// </summary>
public sealed class SampleRandom
{
    const ulong Golden = 0x9E3779B97F4A7C15UL;
    ulong state;

    /// <summary>The stream of example <paramref name="index"/> in <paramref name="epoch"/> of a loader seeded <paramref name="seed"/>.</summary>
    public SampleRandom(ulong seed, int epoch, int index)
    {
        // NOTE: mixed in two rounds so (epoch, index) pairs do not collide as a plain sum would.
        state = seed;
        state = Mix(NextUInt64() ^ (ulong)(uint)epoch);
        state = Mix(NextUInt64() ^ (ulong)(uint)index);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => Mix(state += Golden);

    /// <summary>A uniform integer in 0..<paramref name="maxExclusive"/>-1.</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>A uniform double in [0, 1) (53 random bits).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
