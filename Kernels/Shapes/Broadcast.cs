namespace QSparse.Kernels;

/// <summary>
/// Maps a linear index of an output of up to <see cref="MaxRank"/> dimensions to element offsets
/// in two inputs whose strides are 0 along broadcast dimensions (NumPy rules, shapes right-aligned).
/// </summary>
public struct Broadcast
{
    public const int MaxRank = 6;
    public int Rank;
    public int Contiguous; // 1 when both inputs have the output's shape: offsets are the index itself (int: kernel arguments must be blittable)
    public int D0, D1, D2, D3, D4, D5;
    public int A0, A1, A2, A3, A4, A5;
    public int B0, B1, B2, B3, B4, B5;

    /// <summary>Builds the map for output <paramref name="shape"/> and per-input strides (0 where broadcast).</summary>
    public static Broadcast Create(int[] shape, int[] stridesA, int[] stridesB, bool contiguous)
    {
        if (shape.Length > MaxRank)
            throw new ArgumentException($"broadcasting supports at most {MaxRank} dimensions, got {shape.Length}");
        var m = new Broadcast { Rank = shape.Length, Contiguous = contiguous ? 1 : 0 };
        Span<int> d = stackalloc int[MaxRank], a = stackalloc int[MaxRank], b = stackalloc int[MaxRank];
        // Left-pad to MaxRank so the kernel walks a fixed number of dimensions.
        int pad = MaxRank - shape.Length;
        for (int i = 0; i < MaxRank; i++)
        {
            d[i] = i < pad ? 1 : shape[i - pad];
            a[i] = i < pad ? 0 : stridesA[i - pad];
            b[i] = i < pad ? 0 : stridesB[i - pad];
        }
        (m.D0, m.D1, m.D2, m.D3, m.D4, m.D5) = (d[0], d[1], d[2], d[3], d[4], d[5]);
        (m.A0, m.A1, m.A2, m.A3, m.A4, m.A5) = (a[0], a[1], a[2], a[3], a[4], a[5]);
        (m.B0, m.B1, m.B2, m.B3, m.B4, m.B5) = (b[0], b[1], b[2], b[3], b[4], b[5]);
        return m;
    }

    public readonly void Map(int index, out int offsetA, out int offsetB)
    {
        if (Contiguous != 0)
        {
            offsetA = index;
            offsetB = index;
            return;
        }
        int i5 = index % D5; index /= D5;
        int i4 = index % D4; index /= D4;
        int i3 = index % D3; index /= D3;
        int i2 = index % D2; index /= D2;
        int i1 = index % D1; index /= D1;
        int i0 = index;
        offsetA = i0 * A0 + i1 * A1 + i2 * A2 + i3 * A3 + i4 * A4 + i5 * A5;
        offsetB = i0 * B0 + i1 * B1 + i2 * B2 + i3 * B3 + i4 * B4 + i5 * B5;
    }
}
