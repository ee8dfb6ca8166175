using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QSparse.Kernels;

/// <summary>
/// The fast CPU path of <see cref="GemmKernels.Gemm"/>: packed panels and a 6×16 register block of
/// AVX2 FMAs (Goto/BLIS structure), row panels spread over all cores. Used on the "cpu" device,
/// whose buffers are host memory; the ILGPU kernels remain the definition on every accelerator.
/// </summary>
static unsafe class NativeGemm
{
    const int MR = 4, NR = 16, KC = 256, NC = 2048;

    /// <summary>True where the micro-kernel's instructions exist (else the ILGPU kernel runs).</summary>
    public static bool Supported => Avx2.IsSupported && Fma.IsSupported;

    public static void Run(float* a, float* b, float* c, GemmShape s)
    {
        for (int batch = 0; batch < s.Batch; batch++)
            RunOne(a + (long)batch * s.ABatch, b + (long)batch * s.BBatch, c + (long)batch * s.CBatch, s);
    }

    static void RunOne(float* a, float* b, float* c, GemmShape s)
    {
        if (s.K == 0)
        {
            ScaleC(c, s, s.Beta);
            return;
        }
        int panelsM = (s.M + MR - 1) / MR;
        for (int n0 = 0; n0 < s.N; n0 += NC)
        {
            int nc = Math.Min(NC, s.N - n0), panelsN = (nc + NR - 1) / NR;
            // NOTE: pooled, not allocated: a fresh 2 MB panel per call lands on the large-object heap and triggers gen-2 GCs.
            var bPacked = ArrayPool<float>.Shared.Rent(panelsN * NR * KC);
            for (int k0 = 0; k0 < s.K; k0 += KC)
            {
                int kc = Math.Min(KC, s.K - k0);
                bool first = k0 == 0;
                fixed (float* bp = bPacked)
                {
                    PackB(b, s, k0, kc, n0, nc, bp);
                    float* bpShared = bp;
                    // NOTE: row panels are independent: each worker packs its own A panel.
                    Parallel.For(0, panelsM, () => new float[MR * KC], (panel, _, aPacked) =>
                    {
                        fixed (float* ap = aPacked)
                        {
                            int m0 = panel * MR, mr = Math.Min(MR, s.M - m0);
                            PackA(a, s, m0, mr, k0, kc, ap);
                            for (int j = 0; j < panelsN; j++)
                            {
                                int nr = Math.Min(NR, nc - j * NR);
                                MicroKernel(ap, bpShared + j * NR * kc, kc, c, s, m0, n0 + j * NR, mr, nr, first);
                            }
                        }
                        return aPacked;
                    }, _ => { });
                }
            }
            ArrayPool<float>.Shared.Return(bPacked);
        }
    }

    /// <summary>B[k0.., n0..] into panels of NR columns, each kc rows of NR contiguous floats (zero padded).</summary>
    static void PackB(float* b, GemmShape s, int k0, int kc, int n0, int nc, float* dst)
    {
        for (int j = 0; j < nc; j += NR)
        {
            int nr = Math.Min(NR, nc - j);
            float* panel = dst + j * kc;
            for (int k = 0; k < kc; k++)
            {
                float* row = b + (long)(k0 + k) * s.BK + (long)(n0 + j) * s.BN;
                float* outRow = panel + k * NR;
                if (s.BN == 1 && nr == NR)
                {
                    Avx.Store(outRow, Avx.LoadVector256(row));
                    Avx.Store(outRow + 8, Avx.LoadVector256(row + 8));
                    continue;
                }
                for (int x = 0; x < NR; x++)
                    outRow[x] = x < nr ? row[(long)x * s.BN] : 0f;
            }
        }
    }

    /// <summary>A[m0.., k0..] as kc columns of MR contiguous floats (zero padded).</summary>
    static void PackA(float* a, GemmShape s, int m0, int mr, int k0, int kc, float* dst)
    {
        for (int k = 0; k < kc; k++)
            for (int i = 0; i < MR; i++)
                dst[k * MR + i] = i < mr ? a[(long)(m0 + i) * s.AM + (long)(k0 + k) * s.AK] : 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MicroKernel(float* ap, float* bp, int kc, float* c, GemmShape s, int m0, int n0, int mr, int nr, bool first)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Avx.LoadVector256(bp);
            var b1 = Avx.LoadVector256(bp + 8);
            var a0 = Vector256.Create(ap[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00); c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(ap[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10); c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(ap[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20); c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(ap[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30); c31 = Fma.MultiplyAdd(a3, b1, c31);
            ap += MR;
            bp += NR;
        }
        float* block = stackalloc float[MR * NR];
        Avx.Store(block + 0 * NR, c00); Avx.Store(block + 0 * NR + 8, c01);
        Avx.Store(block + 1 * NR, c10); Avx.Store(block + 1 * NR + 8, c11);
        Avx.Store(block + 2 * NR, c20); Avx.Store(block + 2 * NR + 8, c21);
        Avx.Store(block + 3 * NR, c30); Avx.Store(block + 3 * NR + 8, c31);
        for (int i = 0; i < mr; i++)
        {
            float* row = c + (long)(m0 + i) * s.CM + (long)n0 * s.CN;
            for (int j = 0; j < nr; j++)
            {
                ref float dst = ref row[(long)j * s.CN];
                float v = s.Alpha * block[i * NR + j];
                // NOTE: with Beta = 0, C is never read (it may hold garbage or NaN), as in BLAS.
                dst = first ? (s.Beta == 0f ? v : s.Beta * dst + v) : dst + v;
            }
        }
    }

    static void ScaleC(float* c, GemmShape s, float beta)
    {
        for (int i = 0; i < s.M; i++)
            for (int j = 0; j < s.N; j++)
            {
                ref float dst = ref c[(long)i * s.CM + (long)j * s.CN];
                dst = beta == 0f ? 0f : beta * dst;
            }
    }
}
