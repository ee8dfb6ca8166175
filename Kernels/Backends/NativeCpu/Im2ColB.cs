using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static QSparse.Kernels.NativeGemm;

namespace QSparse.Kernels;

/// <summary>
/// The im2col matrix of x [N, C, H, W] as a GEMM's B operand, never materialised: panels are packed
/// straight from the image. Element (tap (c, ki, kj), pixel (n, oh, ow)) is
/// x[n, c, oh·s − p + ki·d, ow·s − p + kj·d], 0 in the padding. The rows are <paramref name="rows"/> (taps
/// for the forward pass, Y = W·col; pixels for backward-weight, GW = GY·colᵀ, <paramref name="pixelRows"/>)
/// and the columns the other axis. A panel row is two 8-wide loads: a plain (or masked) load where the 8
/// columns are consecutive in memory, a masked AVX2 gather elsewhere; the mask is the padding test.
/// With pixel rows, 8 rows whose pixels are consecutive in memory are read down the columns instead
/// (8 consecutive floats per tap) and transposed: no gathers.
/// </summary>
readonly unsafe struct Im2ColB(float* x, ConvIndexTable rows, ConvIndexTable columns, ConvGeometry g, bool pixelRows) : IGemmB
{
    static readonly Vector256<int> Iota = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);

    public void Pack(int k0, int kc, int n0, int nr, float* dst)
    {
        // NOTE: the column table is padded to whole panels with entries outside the image, so a partial panel needs no care.
        var half0 = new Half8(columns, n0);
        var half1 = new Half8(columns, n0 + 8);
        var bounds = new ImageBounds(g);
        int k = k0, end = k0 + kc;
        while (k < end)
        {
            if (pixelRows && k + 8 <= end && Vector256.Load(rows.Offset + k) == Vector256.Create(rows.Offset[k]) + Iota)
            {
                PackPixelRun(k, n0, dst, bounds);
                PackPixelRun(k, n0 + 8, dst + 8, bounds);
                k += 8;
                dst += 8 * NR;
                continue;
            }
            float* row = x + rows.Offset[k];
            int h = rows.H[k], w = rows.W[k];
            Vector256.Store(half0.Load(row, h, w, bounds), dst);
            Vector256.Store(half1.Load(row, h, w, bounds), dst + 8);
            k++;
            dst += NR;
        }
    }

    /// <summary>Rows k .. k + 7 (pixels consecutive in x) of columns c0 .. c0 + 7 into dst (row stride NR).</summary>
    void PackPixelRun(int k, int c0, float* dst, in ImageBounds bounds)
    {
        var hs = Vector256.Load(rows.H + k);
        var ws = Vector256.Load(rows.W + k);
        float* origin = x + rows.Offset[k];
        var v = stackalloc Vector256<float>[8];
        for (int j = 0; j < 8; j++)
        {
            int c = c0 + j;
            var mask = bounds.Inside(hs + Vector256.Create(columns.H[c]), ws + Vector256.Create(columns.W[c]));
            float* p = origin + columns.Offset[c];
            v[j] = Avx.MoveMask(mask) == 0xFF ? Vector256.Load(p) : Avx.MaskLoad(p, mask);
        }
        Transpose8(v, dst);
    }

    /// <summary>Writes the 8×8 matrix whose rows are v[0..7] transposed: row j of the result to dst + j·NR.</summary>
    static void Transpose8(Vector256<float>* v, float* dst)
    {
        var t0 = Avx.UnpackLow(v[0], v[1]);
        var t1 = Avx.UnpackHigh(v[0], v[1]);
        var t2 = Avx.UnpackLow(v[2], v[3]);
        var t3 = Avx.UnpackHigh(v[2], v[3]);
        var t4 = Avx.UnpackLow(v[4], v[5]);
        var t5 = Avx.UnpackHigh(v[4], v[5]);
        var t6 = Avx.UnpackLow(v[6], v[7]);
        var t7 = Avx.UnpackHigh(v[6], v[7]);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Vector256.Store(Avx.Permute2x128(u0, u4, 0x20), dst);
        Vector256.Store(Avx.Permute2x128(u1, u5, 0x20), dst + NR);
        Vector256.Store(Avx.Permute2x128(u2, u6, 0x20), dst + 2 * NR);
        Vector256.Store(Avx.Permute2x128(u3, u7, 0x20), dst + 3 * NR);
        Vector256.Store(Avx.Permute2x128(u0, u4, 0x31), dst + 4 * NR);
        Vector256.Store(Avx.Permute2x128(u1, u5, 0x31), dst + 5 * NR);
        Vector256.Store(Avx.Permute2x128(u2, u6, 0x31), dst + 6 * NR);
        Vector256.Store(Avx.Permute2x128(u3, u7, 0x31), dst + 7 * NR);
    }

    /// <summary>Eight panel columns: their offsets and (h, w) parts, and whether the offsets are consecutive.</summary>
    readonly struct Half8
    {
        readonly Vector256<int> offsets, hs, ws;
        readonly int first;
        readonly bool run;

        public Half8(ConvIndexTable table, int start)
        {
            offsets = Vector256.Load(table.Offset + start);
            hs = Vector256.Load(table.H + start);
            ws = Vector256.Load(table.W + start);
            first = table.Offset[start];
            run = offsets == Vector256.Create(first) + Iota;
        }

        /// <summary>The 8 entries of the panel row whose own part is (row, h, w); 0 where a tap falls in the padding.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Load(float* row, int h, int w, in ImageBounds bounds)
        {
            var mask = bounds.Inside(hs + Vector256.Create(h), ws + Vector256.Create(w));
            if (!run)
                return Avx2.GatherMaskVector256(Vector256<float>.Zero, row, offsets, mask, 4);
            // NOTE: masked-off lanes are never read, so a run may start before or end after the image.
            return Avx.MoveMask(mask) == 0xFF ? Vector256.Load(row + first) : Avx.MaskLoad(row + first, mask);
        }
    }
}
