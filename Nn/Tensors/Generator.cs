namespace QSparse.Nn;

/// <summary>
/// A seeded source of random tensors (torch.Generator). Each draw consumes a range of counters, so
/// the sequence depends only on the seed and the order of draws, not on the device.
/// </summary>
public sealed class Generator(ulong seed)
{
    public ulong Seed { get; private set; } = seed;

    /// <summary>Counters consumed so far; saved with checkpoints to resume a random stream.</summary>
    public ulong Offset { get; set; }

    public void ManualSeed(ulong seed)
    {
        Seed = seed;
        Offset = 0;
    }

    internal ulong Take(int count)
    {
        ulong start = Offset;
        Offset += (ulong)count;
        return start;
    }

    /// <summary>The generator used when none is given.</summary>
    public static Generator Default { get; } = new(0);
}
