using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Split-K for products with too few output tiles to fill the GPU (a convolution's weight gradient: M 32, N 9,
/// K 173,056 is one tile): the K range is cut into S splits, each group computes one tile over one split into a
/// dense partial buffer [S, Batch, M, N], and <see cref="SumBody"/> adds the partials in split order 0..S-1 and
/// applies Alpha and Beta. NOTE: the fixed order (no atomics) keeps the result deterministic, launch after launch.
/// </summary>
internal static class GemmSplitK
{
    /// <summary>K each split covers at least: below this the partial sums cost more than the split gains.</summary>
    public const int MinK = 128;

    /// <summary>Groups wanted per multiprocessor (two resident 256-thread groups hide each other's barriers).</summary>
    public const int GroupsPerMultiprocessor = 2;

    /// <summary>The splits for <paramref name="tiles"/> output tiles: enough for 2 groups per multiprocessor, each split at least <see cref="MinK"/> deep.</summary>
    public static int Splits(long tiles, int k, int multiprocessors)
    {
        long wanted = (long)GroupsPerMultiprocessor * multiprocessors;
        if (tiles >= wanted)
            return 1;
        long splits = Math.Min((wanted + tiles - 1) / tiles, k / MinK);
        return (int)Math.Clamp(splits, 1, 65535);
    }

    /// <summary>K per split: whole slices, so every split but the last is full and none is empty.</summary>
    public static int KPerSplit(int k, int splits)
    {
        int slices = (k + GemmTileKernel.SliceK - 1) / GemmTileKernel.SliceK;
        return (slices + splits - 1) / splits * GemmTileKernel.SliceK;
    }

    /// <summary>C[i] = Alpha · Σ_s partials[s, i] + Beta · C[i] for each i of Batch × M × N.</summary>
    internal readonly struct SumBody(ArrayView<float> partials, ArrayView<float> c, GemmShape s, int splits) : IElementBody
    {
        public void Run(int i)
        {
            int mn = s.M * s.N, count = s.Batch * mn;
            int batch = i / mn, rest = i - batch * mn;
            int m = rest / s.N, n = rest - m * s.N;
            float sum = 0f;
            for (int split = 0; split < splits; split++)
                sum += partials[split * count + i];
            int ic = batch * s.CBatch + m * s.CM + n * s.CN;
            // NOTE: Beta = 0 must not read C (see TileOutput).
            c[ic] = s.Beta == 0f ? s.Alpha * sum : s.Alpha * sum + s.Beta * c[ic];
        }
    }
}
