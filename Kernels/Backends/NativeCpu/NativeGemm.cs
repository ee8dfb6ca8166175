using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QSparse.Kernels;

/// <summary>
/// The fast CPU path of <see cref="GemmKernels.Gemm"/> and of the convolutions: a 6×16 register block
/// of AVX2 FMAs over packed panels (the BLIS structure). A is packed once per product and shared;
/// the cores split the output into tiles (a group of row panels × a run of column panels), and each
/// packs its own B panels, so an operand that is not a matrix in memory (<see cref="Im2ColB"/>)
/// is read straight from its source. Used on the "cpu" device, whose buffers are host memory; the
/// ILGPU kernels remain the definition on every accelerator.
/// </summary>
static unsafe class NativeGemm
{
    /// <summary>Rows and columns of the register block: 12 accumulators + 2 B vectors + 1 broadcast of 16 ymm registers.</summary>
    public const int MR = 6, NR = 16;

    /// <summary>K runs in blocks of at most KC, so a packed B panel (KC·NR floats, 20 KB) stays in L1.</summary>
    const int KC = 320;

    /// <summary>Row panels per tile: their packed A block (192 rows × KC, 245 KB) stays in L2.</summary>
    const int GroupPanels = 32;

    /// <summary>At most this many floats of A are packed at once (16 MB); taller products run in slabs of rows.</summary>
    const long PackedALimit = 1 << 22;

    /// <summary>Below this many FLOP one core is faster than waking the others.</summary>
    const long ParallelFlops = 1 << 21;

    /// <summary>C[b] = Alpha·A[b]·B[b] + Beta·C[b] for the strided matrices of <paramref name="s"/>.</summary>
    public static void Run(float* a, float* b, float* c, GemmShape s)
    {
        for (int batch = 0; batch < s.Batch; batch++)
            Multiply(new StridedA(a + (long)batch * s.ABatch, s.AM, AxisMap.Plain(s.AK)),
                new StridedB(b + (long)batch * s.BBatch, s.BK, AxisMap.Plain(s.BN)),
                new GemmOutput(c + (long)batch * s.CBatch, s.CM, AxisMap.Plain(s.CN)), s.M, s.N, s.K, s.Alpha, s.Beta);
    }

    /// <summary>C (m×n) = alpha·A (m×k)·B (k×n) + beta·C (+ the output's row bias); with beta = 0 C is only written (it may hold NaN), as in BLAS.</summary>
    public static void Multiply<TA, TB>(TA a, TB b, GemmOutput c, int m, int n, int k, float alpha, float beta)
        where TA : struct, IGemmA where TB : struct, IGemmB
    {
        if (m <= 0 || n <= 0)
            return;
        if (k == 0)
        {
            c.Scale(m, n, beta);
            return;
        }
        var plan = new Plan(m, n, k);
        int slabRows = (int)Math.Clamp(PackedALimit / ((long)MR * k), 1, plan.PanelsM) * MR;
        for (int m0 = 0; m0 < m; m0 += slabRows)
            MultiplySlab(a, b, c, plan with { M0 = m0, Rows = Math.Min(slabRows, m - m0) }, alpha, beta);
    }

    /// <summary>How one product is cut: K blocks, and for the slab of rows M0 .. M0 + Rows − 1, its panels and tiles.</summary>
    readonly record struct Plan(int M, int N, int K)
    {
        /// <summary>K in equal blocks of at most KC (K = 288 is one block, not 256 + 32).</summary>
        public int KBlock { get; } = CeilDiv(K, CeilDiv(K, KC));
        public int PanelsM => (M + MR - 1) / MR;
        public int PanelsN => (N + NR - 1) / NR;
        public int M0 { get; init; }
        public int Rows { get; init; }
        public int SlabPanels => (Rows + MR - 1) / MR;
    }

    static void MultiplySlab<TA, TB>(TA a, TB b, GemmOutput c, Plan p, float alpha, float beta)
        where TA : struct, IGemmA where TB : struct, IGemmB
    {
        int panels = p.SlabPanels, kBlocks = (p.K + p.KBlock - 1) / p.KBlock;
        bool parallel = 2L * p.Rows * p.N * p.K >= ParallelFlops;
        var packed = ArrayPool<float>.Shared.Rent(panels * MR * p.K);
        try
        {
            fixed (float* packedA = packed)
            {
                // Packed A: k-block by k-block, each its row panels of MR × kc floats.
                float* pa = packedA;
                For(kBlocks * panels, parallel, item =>
                {
                    int kb = item / panels, panel = item % panels, k0 = kb * p.KBlock, kc = Math.Min(p.KBlock, p.K - k0);
                    int m0 = p.M0 + panel * MR;
                    a.Pack(m0, Math.Min(MR, p.M0 + p.Rows - m0), k0, kc, pa + (long)k0 * panels * MR + panel * MR * kc);
                });
                int groups = (panels + GroupPanels - 1) / GroupPanels;
                // NOTE: enough tiles for every core to get about four, so uneven tiles still balance.
                int runsWanted = Math.Max(1, (4 * Environment.ProcessorCount + groups - 1) / groups);
                int runPanels = Math.Max(1, (p.PanelsN + runsWanted - 1) / runsWanted);
                int runs = (p.PanelsN + runPanels - 1) / runPanels;
                For(groups * runs, parallel, tile =>
                {
                    int group = tile / runs, run = tile % runs;
                    Tile(b, c, p, pa, group * GroupPanels, Math.Min(panels, (group + 1) * GroupPanels),
                        run * runPanels, Math.Min(p.PanelsN, (run + 1) * runPanels), alpha, beta);
                });
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    static int CeilDiv(int a, int b) => (a + b - 1) / b;

    static void For(int count, bool parallel, Action<int> body)
    {
        if (parallel && count > 1)
            Parallel.For(0, count, body);
        else
            for (int i = 0; i < count; i++)
                body(i);
    }

    /// <summary>Row panels [p0, p1) of the slab × column panels [j0, j1): every k-block, each B panel packed once and used by every row panel.</summary>
    static void Tile<TB>(TB b, GemmOutput c, Plan p, float* packedA, int p0, int p1, int j0, int j1, float alpha, float beta)
        where TB : struct, IGemmB
    {
        float* bPanel = stackalloc float[KC * NR];
        float* product = stackalloc float[MR * NR];
        long* columns = stackalloc long[NR];
        int panels = p.SlabPanels;
        for (int k0 = 0; k0 < p.K; k0 += p.KBlock)
        {
            int kc = Math.Min(p.KBlock, p.K - k0);
            float* aBlock = packedA + (long)k0 * panels * MR;
            for (int j = j0; j < j1; j++)
            {
                int n0 = j * NR, nr = Math.Min(NR, p.N - n0);
                b.Pack(k0, kc, n0, nr, bPanel);
                c.Columns.Offsets(n0, nr, columns);
                bool run = nr == NR && StridedB.IsRun(columns, NR);
                for (int panel = p0; panel < p1; panel++)
                {
                    int m0 = p.M0 + panel * MR;
                    // NOTE: beta and the bias apply once, with the first k-block; later blocks add onto C.
                    var block = new Block(c.Data + m0 * c.RowStride, c.RowStride, columns, run,
                        Math.Min(MR, p.M0 + p.Rows - m0), nr, alpha, k0 == 0 ? beta : 1f, k0 == 0 && c.RowBias != null ? c.RowBias + m0 : null);
                    MicroKernel(aBlock + panel * MR * kc, bPanel, kc, product);
                    Write(product, block);
                }
            }
        }
    }

    /// <summary>Where one MR×NR block of C goes: rows RowStride apart, columns at Columns (consecutive when Run), and C = Alpha·AB + Beta·C (+ Bias[row]).</summary>
    readonly struct Block(float* origin, long rowStride, long* columns, bool run, int rows, int cols, float alpha, float beta, float* bias)
    {
        public readonly float* Origin = origin;
        public readonly long RowStride = rowStride;
        public readonly long* Columns = columns;
        public readonly bool Full = run && rows == MR;
        public readonly int Rows = rows, Cols = cols;
        public readonly float Alpha = alpha, Beta = beta;
        public readonly float* Bias = bias;
    }

    /// <summary>One MR×NR block of A·B from kc steps of packed A and B, stored row by row into <paramref name="block"/>.</summary>
    /// <remarks>NOTE: the loop must be all the method does. With more code after it (the writes into C), the
    /// JIT's register allocator spilled every accumulator to the stack after each FMA, at a third of the speed.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MicroKernel(float* ap, float* bp, int kc, float* block)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < kc; k++, ap += MR, bp += NR)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + 8);
            var a = Vector256.Create(ap[0]);
            c00 = Fma.MultiplyAdd(a, b0, c00); c01 = Fma.MultiplyAdd(a, b1, c01);
            a = Vector256.Create(ap[1]);
            c10 = Fma.MultiplyAdd(a, b0, c10); c11 = Fma.MultiplyAdd(a, b1, c11);
            a = Vector256.Create(ap[2]);
            c20 = Fma.MultiplyAdd(a, b0, c20); c21 = Fma.MultiplyAdd(a, b1, c21);
            a = Vector256.Create(ap[3]);
            c30 = Fma.MultiplyAdd(a, b0, c30); c31 = Fma.MultiplyAdd(a, b1, c31);
            a = Vector256.Create(ap[4]);
            c40 = Fma.MultiplyAdd(a, b0, c40); c41 = Fma.MultiplyAdd(a, b1, c41);
            a = Vector256.Create(ap[5]);
            c50 = Fma.MultiplyAdd(a, b0, c50); c51 = Fma.MultiplyAdd(a, b1, c51);
        }
        Vector256.Store(c00, block); Vector256.Store(c01, block + 8);
        Vector256.Store(c10, block + 16); Vector256.Store(c11, block + 24);
        Vector256.Store(c20, block + 32); Vector256.Store(c21, block + 40);
        Vector256.Store(c30, block + 48); Vector256.Store(c31, block + 56);
        Vector256.Store(c40, block + 64); Vector256.Store(c41, block + 72);
        Vector256.Store(c50, block + 80); Vector256.Store(c51, block + 88);
    }

    /// <summary>C = Alpha·block + Beta·C (+ Bias[row]) over the block's place in C; C is not read when Beta is 0.</summary>
    static void Write(float* block, in Block c)
    {
        if (c.Full)
        {
            var alpha = Vector256.Create(c.Alpha);
            var beta = Vector256.Create(c.Beta);
            float* row = c.Origin + c.Columns[0];
            for (int i = 0; i < MR; i++, row += c.RowStride, block += NR)
            {
                var lo = alpha * Vector256.Load(block);
                var hi = alpha * Vector256.Load(block + 8);
                if (c.Beta != 0f)
                {
                    lo = Fma.MultiplyAdd(Vector256.Load(row), beta, lo);
                    hi = Fma.MultiplyAdd(Vector256.Load(row + 8), beta, hi);
                }
                if (c.Bias != null)
                {
                    var bias = Vector256.Create(c.Bias[i]);
                    lo += bias;
                    hi += bias;
                }
                Vector256.Store(lo, row);
                Vector256.Store(hi, row + 8);
            }
            return;
        }
        for (int i = 0; i < c.Rows; i++)
            for (int j = 0; j < c.Cols; j++)
            {
                ref float dst = ref c.Origin[i * c.RowStride + c.Columns[j]];
                float v = c.Alpha * block[i * NR + j];
                v = c.Beta == 0f ? v : c.Beta * dst + v;
                dst = c.Bias != null ? v + c.Bias[i] : v;
            }
    }
}
