using System.Runtime.CompilerServices;
using ILGPU;

namespace QSparse.Kernels;

/// <summary>How the groups of one <see cref="GemmTileKernel"/> launch split C and K.</summary>
/// <param name="TilesM">Tiles down M; grid X runs over batch × TilesM × TilesN, columns fastest.</param>
/// <param name="TilesN">Tiles across N.</param>
/// <param name="K">The inner dimension of A·B.</param>
/// <param name="KPerSplit">K each split (grid Y) covers, a multiple of <see cref="GemmTileKernel.SliceK"/>.</param>
/// <param name="OutBatchStride">Output elements between batch entries.</param>
/// <param name="OutSplitStride">Output elements between splits (0 without split-K: one split writes C).</param>
internal readonly record struct GemmTilePlan(int TilesM, int TilesN, int K, int KPerSplit, int OutBatchStride, int OutSplitStride);

/// <summary>The one argument of <see cref="GemmTileKernel.Kernel{TTile}"/>.</summary>
internal readonly record struct GemmTileArgs(TileOperand A, TileOperand B, TileOutput C, GemmTilePlan Plan);

/// <summary>
/// The GPU GEMM: one group of <see cref="Threads"/> threads per output tile (and K split), its shape fixed at
/// compile time by the tile type of <see cref="Kernel{TTile}"/>. A and B advance through K in slices of <see cref="SliceK"/>,
/// double-buffered in shared memory: each thread loads its quads of the next slice into registers before the
/// 8 outer products of the current one, then stores them into the other buffer, so one barrier per slice
/// separates the phases and the global loads' latency hides behind 512 FMAs per thread.
/// </summary>
internal static class GemmTileKernel
{
    /// <summary>Threads per group: 256 for every tile, each owning an 8×8 block of C.</summary>
    public const int Threads = 256;

    /// <summary>K per shared-memory slice.</summary>
    public const int SliceK = 8;

    /// <summary>Rows and columns of C each thread computes.</summary>
    public const int Block = 8;

    public static void Kernel<TTile>(GemmTileArgs args) where TTile : struct, IGemmTile
    {
        int rows = default(TTile).Rows, columns = default(TTile).Columns;
        int rowQuads = (rows + TileOperand.Pad) / 4, columnQuads = (columns + TileOperand.Pad) / 4;
        // Two slices of each operand, k-major: S[buffer · SliceK + k, outer].
        var sa4 = SharedMemory.Allocate<Float4>(2 * SliceK * rowQuads);
        var sb4 = SharedMemory.Allocate<Float4>(2 * SliceK * columnQuads);
        var sa = sa4.Cast<float>();
        var sb = sb4.Cast<float>();
        var (a, b, c, p) = args;

        int thread = Group.IdxX, tile = Grid.IdxX, split = Grid.IdxY;
        int tileN = tile % p.TilesN, rest = tile / p.TilesN;
        int tileM = rest % p.TilesM, batch = rest / p.TilesM;
        int m0 = tileM * rows, n0 = tileN * columns;
        int kBegin = split * p.KPerSplit;
        int kEnd = Math.Min(p.K, kBegin + p.KPerSplit);
        int slices = (kEnd - kBegin + SliceK - 1) / SliceK;
        int ia = batch * a.BatchStride, ib = batch * b.BatchStride;

        // Thread (tr, tc) owns rows tr·4 + {0..3, rows/2 + 0..3} and likewise columns: every Float4 read of
        // shared memory is aligned, and a warp's reads of B are contiguous.
        int threadColumns = columns / Block;
        int tc = thread & (threadColumns - 1), tr = thread / threadColumns;
        var block = default(TileBlock);
        if (slices > 0)
        {
            a.Store(sa, sa4, 0, rows, a.Load(rows, thread, ia, m0, kBegin), thread);
            b.Store(sb, sb4, 0, columns, b.Load(columns, thread, ib, n0, kBegin), thread);
        }
        Group.Barrier();
        for (int s = 0; s < slices; s++)
        {
            int current = (s & 1) * SliceK;
            bool more = s + 1 < slices;
            var nextA = default(TileStage);
            var nextB = default(TileStage);
            if (more)
            {
                int k0 = kBegin + (s + 1) * SliceK;
                nextA = a.Load(rows, thread, ia, m0, k0);
                nextB = b.Load(columns, thread, ib, n0, k0);
            }
            MultiplySlice(ref block, sa4, current * rowQuads + tr, rowQuads, rows / 8,
                sb4, current * columnQuads + tc, columnQuads, columns / 8);
            if (more)
            {
                int next = SliceK - current;
                a.Store(sa, sa4, next * rowQuads * 4, rows, nextA, thread);
                b.Store(sb, sb4, next * columnQuads * 4, columns, nextB, thread);
            }
            // NOTE: one barrier per slice: it publishes the slice just stored and keeps every thread from
            // overwriting the buffer it read until all have finished reading it.
            Group.Barrier();
        }
        c.Write(block, batch * p.OutBatchStride + split * p.OutSplitStride, m0 + tr * 4, rows / 2, n0 + tc * 4, columns / 2);
    }

    /// <summary>
    /// The 8 outer products of one shared slice: quads <paramref name="a"/> and <paramref name="a"/> + aHalf of each
    /// k row of A (rows <paramref name="aRow"/> quads apart), likewise for B. NOTE: unrolled by hand two k at a
    /// time: ILGPU unrolls no loop, and a loop of one k spends a fifth of its issue slots on its index and branch;
    /// unrolled fully, ptxas hoists all 32 shared loads and needs 219 registers (one group per multiprocessor).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void MultiplySlice(ref TileBlock block, ArrayView<Float4> sa4, int a, int aRow, int aHalf,
        ArrayView<Float4> sb4, int b, int bRow, int bHalf)
    {
        for (int k = 0; k < SliceK; k += 2)
        {
            block.Accumulate(sa4[a], sa4[a + aHalf], sb4[b], sb4[b + bHalf]);
            block.Accumulate(sa4[a + aRow], sa4[a + aRow + aHalf], sb4[b + bRow], sb4[b + bRow + bHalf]);
            a += 2 * aRow;
            b += 2 * bRow;
        }
    }
}
