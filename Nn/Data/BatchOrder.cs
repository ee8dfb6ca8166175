namespace QSparse.Nn.Data;

/// <summary>
/// The order of the training examples in each epoch: a Fisher-Yates shuffle driven by SplitMix64,
/// seeded from the run's seed and the epoch number, so a resumed run needs no saved state to
/// continue the same order, and the order is the same on every machine and .NET version.
/// </summary>
public static class BatchOrder
{
    /// <summary>A permutation of 0..<paramref name="count"/>-1 for <paramref name="epoch"/> of a run seeded <paramref name="seed"/>.</summary>
    public static int[] Permutation(ulong seed, int epoch, int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
            order[i] = i;
        ulong state = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1));
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)(Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
