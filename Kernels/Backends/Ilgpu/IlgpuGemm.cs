using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Matrix products for matmul, Linear and the convolutions (via im2col). Two kernels sit behind
/// <see cref="Gemm"/>: a barrier-free register-tiled kernel for the CPU accelerator and, for GPUs,
/// shared-memory tiles of compile-time shape with split-K (<see cref="GemmTiled"/>).
/// </summary>
static class IlgpuGemm
{
    // CPU path: each simulated thread owns a contiguous run of 4x4 output tiles.
    const int CpuTile = 4;

    /// <summary>How the CPU kernel's threads split the output tiles.</summary>
    internal readonly struct CpuPlan(int tilesM, int tilesN, int tiles, int tilesPerThread)
    {
        public readonly int TilesM = tilesM;
        public readonly int TilesN = tilesN;
        public readonly int Tiles = tiles;
        public readonly int TilesPerThread = tilesPerThread;
    }

    /// <summary>The operands of one product: with its plan, the one argument of <see cref="CpuKernel"/>.</summary>
    internal readonly record struct GemmArgs(ArrayView<float> A, ArrayView<float> B, ArrayView<float> C, GemmShape S);

    internal readonly record struct CpuGemmArgs(CpuPlan Plan, GemmArgs Operands);

    /// <summary>C = Alpha·A·B + Beta·C: the kernel that suits the accelerator (a launch-shape choice, not a backend).</summary>
    public static void Gemm(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        if (d.IsCpu)
            GemmCpu(d, a, b, c, s);
        else
            GemmTiled(d, a, b, c, s);
    }

    /// <summary>
    /// The GPU kernel: 128×128 or 64×256 tiles of 256 threads (<see cref="GemmTileKernel"/>), split over K
    /// (<see cref="GemmSplitK"/>) when the tiles alone would leave multiprocessors idle. It runs on any accelerator
    /// whose groups hold 256 threads, the simulated GPU included (very slow there: keep shapes small).
    /// </summary>
    /// <exception cref="NotSupportedException">The accelerator's groups hold fewer than 256 threads (ILGPU's plain CPU accelerator).</exception>
    public static void GemmTiled(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        if (d.Accelerator.MaxNumThreadsPerGroup < GemmTileKernel.Threads)
            throw new NotSupportedException(
                $"the tiled GEMM needs groups of {GemmTileKernel.Threads} threads; {d} allows {d.Accelerator.MaxNumThreadsPerGroup} "
                + "(on the CPU accelerator use Gemm, or the simulated GPU 'gpu-sim')");
        if (s.Batch <= 0 || s.M <= 0 || s.N <= 0)
            return;
        // NOTE: the wide tile wastes fewer rows when M is a convolution's 32 or 64 output channels.
        if (s.M <= 64 && s.N > 128)
            GemmTiled<Tile64x256>(d, a, b, c, s);
        else
            GemmTiled<Tile128x128>(d, a, b, c, s);
    }

    static void GemmTiled<TTile>(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
        where TTile : struct, IGemmTile
    {
        var tile = default(TTile);
        int tilesM = (s.M + tile.Rows - 1) / tile.Rows, tilesN = (s.N + tile.Columns - 1) / tile.Columns;
        long tiles = (long)tilesM * tilesN * s.Batch;
        if (tiles > int.MaxValue)
            throw new ArgumentException($"GEMM too large for one launch: batch {s.Batch}, M {s.M}, N {s.N}");
        int kPerSplit = GemmSplitK.KPerSplit(s.K, GemmSplitK.Splits(tiles, s.K, d.Accelerator.NumMultiprocessors));
        int splits = kPerSplit == 0 ? 1 : (s.K + kPerSplit - 1) / kPerSplit;
        var operandA = TileOperand.For(a, s.ABatch, s.AM, s.AK, s.M, s.K);
        var operandB = TileOperand.For(b, s.BBatch, s.BN, s.BK, s.N, s.K);
        var config = new KernelConfig(new Index3D((int)tiles, splits, 1), new Index3D(GemmTileKernel.Threads, 1, 1));
        var launch = d.Kernel<GemmTileArgs>(GemmTileKernel.Kernel<TTile>);
        if (splits == 1)
        {
            var output = new TileOutput(c, s.CM, s.CN, s.M, s.N, s.Alpha, s.Beta);
            launch(config, new GemmTileArgs(operandA, operandB, output, new GemmTilePlan(tilesM, tilesN, s.K, kPerSplit, s.CBatch, 0)));
            return;
        }
        int count = s.Batch * s.M * s.N;
        var scratch = d.Pool.Rent((long)splits * count * sizeof(float));
        try
        {
            var partials = scratch.As<float>((long)splits * count);
            var output = new TileOutput(partials, s.N, 1, s.M, s.N, 1f, 0f);
            launch(config, new GemmTileArgs(operandA, operandB, output,
                new GemmTilePlan(tilesM, tilesN, s.K, kPerSplit, s.M * s.N, count)));
            d.ForEach(count, new GemmSplitK.SumBody(partials, c, s, splits));
        }
        finally
        {
            d.Pool.Return(scratch);
        }
    }

    /// <summary>The CPU accelerator path: one launch of <see cref="Device.ParallelThreads"/> threads.</summary>
    static void GemmCpu(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        if (s.Batch <= 0 || s.M <= 0 || s.N <= 0)
            return;
        int tilesM = (s.M + CpuTile - 1) / CpuTile, tilesN = (s.N + CpuTile - 1) / CpuTile;
        long total = (long)tilesM * tilesN * s.Batch;
        if (total > int.MaxValue)
            throw new ArgumentException($"GEMM too large for one launch: batch {s.Batch}, M {s.M}, N {s.N}");
        int tiles = (int)total;
        // NOTE: the CPU accelerator runs one .NET thread per simulated thread; grouped or oversized
        // launches cost far more than the work, so use exactly one thread per core.
        int threads = Math.Clamp(tiles, 1, d.ParallelThreads);
        int perThread = (tiles + threads - 1) / threads;
        threads = (tiles + perThread - 1) / perThread;
        d.Kernel<CpuGemmArgs>(CpuKernel)(new KernelConfig(threads, 1),
            new CpuGemmArgs(new CpuPlan(tilesM, tilesN, tiles, perThread), new GemmArgs(a, b, c, s)));
    }

    /// <summary>
    /// Barrier-free CPU kernel: each thread walks its tiles (batch, row tile, column tile; column
    /// fastest so the four rows of A stay in cache) and keeps a 4×4 block of C in locals.
    /// AggressiveOptimization: each thread calls it once per launch, so tiered JIT would otherwise
    /// run it as unoptimised tier-0 code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void CpuKernel(CpuGemmArgs args)
    {
        var (p, (a, b, c, s)) = args;
        int first = Grid.GlobalIndex.X * p.TilesPerThread;
        int last = first + p.TilesPerThread;
        if (last > p.Tiles)
            last = p.Tiles;
        for (int t = first; t < last; t++)
        {
            int tileN = t % p.TilesN, rest = t / p.TilesN;
            int tileM = rest % p.TilesM, batch = rest / p.TilesM;
            int m0 = tileM * CpuTile, n0 = tileN * CpuTile;

            // NOTE: ragged border tiles clamp their rows/columns to the last valid one, so the
            // loads stay in bounds and the fast loop serves every tile; the stores are guarded.
            int ra0 = Clamp(m0, s.M) * s.AM, ra1 = Clamp(m0 + 1, s.M) * s.AM;
            int ra2 = Clamp(m0 + 2, s.M) * s.AM, ra3 = Clamp(m0 + 3, s.M) * s.AM;
            int rb0 = Clamp(n0, s.N) * s.BN, rb1 = Clamp(n0 + 1, s.N) * s.BN;
            int rb2 = Clamp(n0 + 2, s.N) * s.BN, rb3 = Clamp(n0 + 3, s.N) * s.BN;
            int ia = batch * s.ABatch, ib = batch * s.BBatch, ak = s.AK, bk = s.BK;

            float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
            float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
            float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            // NOTE: ILGPU's CPU accelerator runs this method as ordinary .NET code, where every
            // ArrayView access calls Trace.Assert and checks the buffer; those calls clobber the
            // float registers holding the tile. Raw pointers in the K loop made it about 3x faster.
            // The GPU kernel (GemmTileKernel) keeps plain view accesses.
            if (s.K > 0)
            {
                fixed (float* fa = &a[ia], fb = &b[ib])
                {
                    float* pa = fa, pb = fb;
                    for (int k = 0; k < s.K; k++)
                    {
                        float b0 = pb[rb0], b1 = pb[rb1], b2 = pb[rb2], b3 = pb[rb3];
                        float a0 = pa[ra0];
                        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                        float a1 = pa[ra1];
                        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                        float a2 = pa[ra2];
                        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                        float a3 = pa[ra3];
                        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                        pa += ak;
                        pb += bk;
                    }
                }
            }

            int ic = batch * s.CBatch + m0 * s.CM + n0 * s.CN;
            StoreRow(c, s, ic, m0, n0, c00, c01, c02, c03);
            StoreRow(c, s, ic + s.CM, m0 + 1, n0, c10, c11, c12, c13);
            StoreRow(c, s, ic + 2 * s.CM, m0 + 2, n0, c20, c21, c22, c23);
            StoreRow(c, s, ic + 3 * s.CM, m0 + 3, n0, c30, c31, c32, c33);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Clamp(int i, int count) => i < count ? i : count - 1;

    /// <summary>Writes Alpha·acc (+ Beta·C) at C index <paramref name="ic"/> if (m, n) is inside C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(ArrayView<float> c, GemmShape s, int ic, int m, int n, float acc)
    {
        if (m >= s.M || n >= s.N)
            return;
        // NOTE: Beta = 0 must not read C: it may hold garbage or NaN (fresh pooled buffers).
        c[ic] = s.Beta == 0f ? s.Alpha * acc : s.Alpha * acc + s.Beta * c[ic];
    }

    /// <summary>Stores four adjacent columns n..n+3 of row m (C index <paramref name="ic"/> at column n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(ArrayView<float> c, GemmShape s, int ic, int m, int n,
        float v0, float v1, float v2, float v3)
    {
        Store(c, s, ic, m, n, v0);
        Store(c, s, ic + s.CN, m, n + 1, v1);
        Store(c, s, ic + 2 * s.CN, m, n + 2, v2);
        Store(c, s, ic + 3 * s.CN, m, n + 3, v3);
    }
}
