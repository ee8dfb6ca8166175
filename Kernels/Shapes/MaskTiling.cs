namespace QSparse.Kernels;

/// <summary>
/// A mask of shape M expanded to a larger shape X of the same rank (QSPARSE's PruneLayer with strict = false,
/// SPEC §4): along every dimension but the first, M tiled floor(X / M) times and centred at offset
/// (X − extent) / 2 in an all-true mask; outside the tiled extent the output is true. The first (batch)
/// dimension broadcasts from size 1 or is taken as it is. Dimensions are left-padded to <see cref="MaxRank"/>
/// with size 1, which tile once and change nothing.
/// </summary>
public struct MaskTiling
{
    public const int MaxRank = 6;

    // Per dimension: output size D, mask size M, tiled extent E, offset O of the tiles, mask stride S.
    public int D0, D1, D2, D3, D4, D5;
    public int M0, M1, M2, M3, M4, M5;
    public int E0, E1, E2, E3, E4, E5;
    public int O0, O1, O2, O3, O4, O5;
    public int S0, S1, S2, S3, S4, S5;

    /// <summary>The tiling of a mask of <paramref name="mask"/>'s shape to <paramref name="shape"/>, both of one rank.</summary>
    public static MaskTiling Create(int[] mask, int[] shape)
    {
        if (mask.Length != shape.Length || shape.Length == 0 || shape.Length > MaxRank)
            throw new ArgumentException($"cannot tile a mask of rank {mask.Length} to rank {shape.Length} (1 to {MaxRank}, equal)");
        // NOTE: a batch of masks must cover the input's batch: it is indexed, not tiled.
        if (mask[0] != 1 && mask[0] < shape[0])
            throw new ArgumentException($"a mask batch of {mask[0]} cannot cover an input batch of {shape[0]}");
        Span<int> d = stackalloc int[MaxRank], m = stackalloc int[MaxRank], e = stackalloc int[MaxRank],
            o = stackalloc int[MaxRank], s = stackalloc int[MaxRank];
        int pad = MaxRank - shape.Length, stride = 1;
        for (int i = MaxRank - 1; i >= 0; i--)
        {
            d[i] = i < pad ? 1 : shape[i - pad];
            m[i] = i < pad ? 1 : mask[i - pad];
            // The batch dimension: every index inside; j % M is j (a full batch) or 0 (one mask for all).
            e[i] = i <= pad ? d[i] : d[i] / m[i] * m[i];
            o[i] = (d[i] - e[i]) / 2;
            s[i] = stride;
            stride *= m[i];
        }
        return new MaskTiling
        {
            D0 = d[0], D1 = d[1], D2 = d[2], D3 = d[3], D4 = d[4], D5 = d[5],
            M0 = m[0], M1 = m[1], M2 = m[2], M3 = m[3], M4 = m[4], M5 = m[5],
            E0 = e[0], E1 = e[1], E2 = e[2], E3 = e[3], E4 = e[4], E5 = e[5],
            O0 = o[0], O1 = o[1], O2 = o[2], O3 = o[3], O4 = o[4], O5 = o[5],
            S0 = s[0], S1 = s[1], S2 = s[2], S3 = s[3], S4 = s[4], S5 = s[5],
        };
    }

    /// <summary>Output index <paramref name="index"/> → its mask offset, or -1 where it lies outside the tiles (true).</summary>
    public readonly int Source(int index)
    {
        int src = 0;
        bool inside = Axis(ref index, ref src, D5, M5, E5, O5, S5);
        inside &= Axis(ref index, ref src, D4, M4, E4, O4, S4);
        inside &= Axis(ref index, ref src, D3, M3, E3, O3, S3);
        inside &= Axis(ref index, ref src, D2, M2, E2, O2, S2);
        inside &= Axis(ref index, ref src, D1, M1, E1, O1, S1);
        inside &= Axis(ref index, ref src, D0, M0, E0, O0, S0);
        return inside ? src : -1;
    }

    static bool Axis(ref int index, ref int src, int d, int m, int e, int o, int s)
    {
        int j = index % d - o;
        index /= d;
        src += j % m * s;
        return j >= 0 && j < e;
    }
}
