using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Matrix products for matmul, Linear and the convolutions (via im2col). Two kernels sit behind
/// <see cref="Gemm"/>: a barrier-free register-tiled kernel for the CPU accelerator and a
/// shared-memory tiled kernel for GPUs (<see cref="GemmTiled"/>).
/// </summary>
static class IlgpuGemm
{
    // CPU path: each simulated thread owns a contiguous run of 4x4 output tiles.
    const int CpuTile = 4;

    // GPU path: a group of TX×TY threads computes a (4·TY)×(4·TX) tile of C, each thread a 4×4
    // register block; 16×16 groups give 64×64 tiles. K advances in slices of TileK.
    const int TileK = 16;
    const int MaxGroupSide = 16;
    const int MaxTile = 4 * MaxGroupSide;
    // NOTE: the +2 padding makes the k-fastest stores into shared memory conflict-free
    // (row stride 66 words spreads 16 consecutive k over 16 distinct even banks).
    const int SharedStride = MaxTile + 2;

    /// <summary>How the CPU kernel's threads split the output tiles.</summary>
    internal readonly struct CpuPlan(int tilesM, int tilesN, int tiles, int tilesPerThread)
    {
        public readonly int TilesM = tilesM;
        public readonly int TilesN = tilesN;
        public readonly int Tiles = tiles;
        public readonly int TilesPerThread = tilesPerThread;
    }

    /// <summary>The operands of one product: the one argument of <see cref="TiledKernel"/>, and of <see cref="CpuKernel"/> with its plan.</summary>
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
    /// The GPU kernel: shared-memory tiles with a 4×4 register block per thread. It runs on any
    /// accelerator (the group shape shrinks to what the accelerator allows), so tests can check it on
    /// the CPU accelerator; there it is very slow, keep such shapes small.
    /// </summary>
    public static void GemmTiled(Device d, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        if (s.Batch <= 0 || s.M <= 0 || s.N <= 0)
            return;
        // Largest square-ish group (power-of-two sides, at most 16×16) the accelerator allows:
        // the CPU accelerator here allows only 2 threads per group.
        int maxThreads = d.Accelerator.MaxNumThreadsPerGroup;
        int tx = 1, ty = 1;
        while (tx < MaxGroupSide && 2 * tx * ty <= maxThreads)
        {
            tx *= 2;
            if (ty < MaxGroupSide && 2 * tx * ty <= maxThreads)
                ty *= 2;
        }
        int tilesN = (s.N + 4 * tx - 1) / (4 * tx), tilesM = (s.M + 4 * ty - 1) / (4 * ty);
        if ((long)tilesN * s.Batch > int.MaxValue || tilesM > 65535)
            throw new ArgumentException($"GEMM too large for one launch: batch {s.Batch}, M {s.M}, N {s.N}");
        // NOTE: batch is folded into grid X, whose limit (2^31-1) is far above that of Y and Z (65535).
        var config = new KernelConfig(new Index3D(tilesN * s.Batch, tilesM, 1), new Index3D(tx, ty, 1));
        d.Kernel<GemmArgs>(TiledKernel)(config, new GemmArgs(a, b, c, s));
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
            // The GPU kernel below keeps plain view accesses.
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

    /// <summary>
    /// Shared-memory tiled kernel. Group (TX, TY) computes rows m0 + ty + TY·i and columns
    /// n0 + tx + TX·j (i, j &lt; 4) of C, strided so that neighbouring threads write neighbouring
    /// columns and read distinct shared-memory banks.
    /// </summary>
    static void TiledKernel(GemmArgs args)
    {
        var (a, b, c, s) = args;
        // As[k, m] and Bs[k, n]: both k-major so the inner loop reads rows of each.
        var sa = SharedMemory.Allocate<float>(TileK * SharedStride);
        var sb = SharedMemory.Allocate<float>(TileK * SharedStride);
        int tx = Group.IdxX, ty = Group.IdxY, gx = Group.DimX, gy = Group.DimY;
        int tileRows = 4 * gy, tileCols = 4 * gx;
        int tilesN = (s.N + tileCols - 1) / tileCols;
        int batch = Grid.IdxX / tilesN;
        int m0 = Grid.IdxY * tileRows, n0 = (Grid.IdxX - batch * tilesN) * tileCols;
        int ia = batch * s.ABatch, ib = batch * s.BBatch;

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int k0 = 0; k0 < s.K; k0 += TileK)
        {
            // NOTE: the slice loop is bounded by K (not M); loads past M, N or K store zeros, which
            // add nothing to the products.
            // Consecutive threads take consecutive addresses of whichever index has unit stride.
            if (s.AK == 1)
            {
                for (int m = ty; m < tileRows; m += gy)
                    for (int k = tx; k < TileK; k += gx)
                        sa[k * SharedStride + m] = LoadA(a, s, ia, m0 + m, k0 + k);
            }
            else
            {
                for (int k = ty; k < TileK; k += gy)
                    for (int m = tx; m < tileRows; m += gx)
                        sa[k * SharedStride + m] = LoadA(a, s, ia, m0 + m, k0 + k);
            }
            if (s.BN == 1)
            {
                for (int k = ty; k < TileK; k += gy)
                    for (int n = tx; n < tileCols; n += gx)
                        sb[k * SharedStride + n] = LoadB(b, s, ib, k0 + k, n0 + n);
            }
            else
            {
                for (int n = ty; n < tileCols; n += gy)
                    for (int k = tx; k < TileK; k += gx)
                        sb[k * SharedStride + n] = LoadB(b, s, ib, k0 + k, n0 + n);
            }
            Group.Barrier();

            int pa = ty, pb = tx;
            for (int kk = 0; kk < TileK; kk++)
            {
                float a0 = sa[pa], a1 = sa[pa + gy], a2 = sa[pa + 2 * gy], a3 = sa[pa + 3 * gy];
                float b0 = sb[pb], b1 = sb[pb + gx], b2 = sb[pb + 2 * gx], b3 = sb[pb + 3 * gx];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                pa += SharedStride;
                pb += SharedStride;
            }
            // NOTE: the second barrier keeps fast threads from overwriting a slice still being read.
            Group.Barrier();
        }

        int m1 = m0 + ty, n1 = n0 + tx;
        StoreStrided(c, s, batch, m1, n1, gx, c00, c01, c02, c03);
        StoreStrided(c, s, batch, m1 + gy, n1, gx, c10, c11, c12, c13);
        StoreStrided(c, s, batch, m1 + 2 * gy, n1, gx, c20, c21, c22, c23);
        StoreStrided(c, s, batch, m1 + 3 * gy, n1, gx, c30, c31, c32, c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Clamp(int i, int count) => i < count ? i : count - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float LoadA(ArrayView<float> a, GemmShape s, int ia, int m, int k) =>
        m < s.M && k < s.K ? a[ia + m * s.AM + k * s.AK] : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float LoadB(ArrayView<float> b, GemmShape s, int ib, int k, int n) =>
        k < s.K && n < s.N ? b[ib + k * s.BK + n * s.BN] : 0f;

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

    /// <summary>Stores columns n, n+step, n+2·step, n+3·step of row m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreStrided(ArrayView<float> c, GemmShape s, int batch, int m, int n, int step,
        float v0, float v1, float v2, float v3)
    {
        int ic = batch * s.CBatch + m * s.CM + n * s.CN, dc = step * s.CN;
        Store(c, s, ic, m, n, v0);
        Store(c, s, ic + dc, m, n + step, v1);
        Store(c, s, ic + 2 * dc, m, n + 2 * step, v2);
        Store(c, s, ic + 3 * dc, m, n + 3 * step, v3);
    }
}
