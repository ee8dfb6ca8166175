namespace QSparse.Kernels;

/// <summary>One radix-selection pass (<see cref="SelectionKernels"/>): which digit it reads, under which mask of already fixed bits.</summary>
public readonly struct SelectPass(int segments, int length, int ranks, int copies, int exclusive, int shift, uint mask)
{
    public readonly int Segments = segments, Length = length, Ranks = ranks, Copies = copies, Shift = shift;

    /// <summary>1 when every thread owns its histogram copy, so plain increments replace atomics.</summary>
    public readonly int Exclusive = exclusive;

    public readonly uint Mask = mask;
    public int Queries => Segments * Ranks;
}
