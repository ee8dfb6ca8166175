using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static QSparse.Kernels.NativeGemm;

namespace QSparse.Kernels;

/// <summary>
/// The im2col matrix of x [N, C, H, W] as a GEMM's B operand, never materialised: panels are packed
/// straight from the image. Element (tap (c, ki, kj), pixel (n, oh, ow)) is
/// x[n, c, oh·s − p + ki·d, ow·s − p + kj·d], 0 in the padding. With <paramref name="tapRows"/> the rows are
/// taps and the columns pixels (forward: Y = W·col); otherwise the transpose (backward-weight: GW = GY·colᵀ).
/// Each panel row is two 8-wide loads: a plain (or masked) load where the 8 columns are consecutive
/// in memory, a masked AVX2 gather elsewhere; the mask is the padding test.
/// </summary>
readonly unsafe struct Im2ColB(float* x, ConvGeometry g, bool tapRows) : IGemmB
{
    /// <summary>The row or column coordinate of a panel entry past the matrix edge: outside every image.</summary>
    const int Outside = int.MinValue / 2;

    public void Pack(int k0, int kc, int n0, int nr, float* dst)
    {
        int* offsets = stackalloc int[NR];
        int* hs = stackalloc int[NR];
        int* ws = stackalloc int[NR];
        var columns = tapRows ? ConvWalk.Pixels(g, n0) : ConvWalk.Taps(g, n0);
        for (int j = 0; j < NR; j++, columns.Next())
        {
            bool inside = j < nr;
            offsets[j] = inside ? columns.Offset : 0;
            hs[j] = inside ? columns.H : Outside;
            ws[j] = inside ? columns.W : Outside;
        }
        var half0 = new Half8(offsets, hs, ws);
        var half1 = new Half8(offsets + 8, hs + 8, ws + 8);
        var limits = new Limits(g);
        var rows = tapRows ? ConvWalk.Taps(g, k0) : ConvWalk.Pixels(g, k0);
        for (int kk = 0; kk < kc; kk++, rows.Next(), dst += NR)
        {
            float* row = x + rows.Offset;
            Vector256.Store(half0.Load(row, rows.H, rows.W, limits), dst);
            Vector256.Store(half1.Load(row, rows.H, rows.W, limits), dst + 8);
        }
    }

    /// <summary>Image bounds and −1 as vectors, for the padding test.</summary>
    readonly struct Limits(ConvGeometry g)
    {
        public readonly Vector256<int> H = Vector256.Create(g.H), W = Vector256.Create(g.W), MinusOne = Vector256.Create(-1);
    }

    /// <summary>Eight panel columns: their offsets and (h, w) parts, and whether the offsets are consecutive.</summary>
    readonly struct Half8
    {
        readonly Vector256<int> offsets, hs, ws;
        readonly int first;
        readonly bool run;

        public Half8(int* offsets, int* hs, int* ws)
        {
            this.offsets = Vector256.Load(offsets);
            this.hs = Vector256.Load(hs);
            this.ws = Vector256.Load(ws);
            first = offsets[0];
            run = true;
            for (int j = 1; j < 8; j++)
                run &= offsets[j] == first + j;
        }

        /// <summary>The 8 entries of the panel row whose own part is (row, h, w); 0 where a tap falls in the padding.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Load(float* row, int h, int w, in Limits limits)
        {
            var hv = hs + Vector256.Create(h);
            var wv = ws + Vector256.Create(w);
            var mask = (Avx2.CompareGreaterThan(hv, limits.MinusOne) & Avx2.CompareGreaterThan(limits.H, hv)
                & Avx2.CompareGreaterThan(wv, limits.MinusOne) & Avx2.CompareGreaterThan(limits.W, wv)).AsSingle();
            if (!run)
                return Avx2.GatherMaskVector256(Vector256<float>.Zero, row, offsets, mask, 4);
            // NOTE: masked-off lanes are never read, so a run may start before or end after the image.
            return Avx.MoveMask(mask) == 0xFF ? Vector256.Load(row + first) : Avx.MaskLoad(row + first, mask);
        }
    }
}

/// <summary>
/// Walks the taps (c, ki, kj) or the pixels (n, oh, ow) of a convolution in order. The current
/// index's offset into x splits into a part from the tap and a part from the pixel; each part also
/// carries its share of the input row and column (tap: ki·d, kj·d; pixel: oh·s − p, ow·s − p), so
/// that tap part + pixel part is the input element and its (h, w) position.
/// </summary>
struct ConvWalk
{
    int a, b, c;
    readonly int bCount, cCount, aStride, bStep, bStart, cStep, cStart, width;

    ConvWalk(int index, int bCount, int cCount, int aStride, int bStep, int bStart, int cStep, int cStart, int width)
    {
        (this.bCount, this.cCount, this.aStride, this.bStep, this.bStart, this.cStep, this.cStart, this.width) =
            (bCount, cCount, aStride, bStep, bStart, cStep, cStart, width);
        c = index % cCount;
        b = index / cCount % bCount;
        a = index / cCount / bCount;
    }

    /// <summary>Taps (c, ki, kj) from <paramref name="index"/> on: offset c·H·W + ki·d·W + kj·d.</summary>
    public static ConvWalk Taps(ConvGeometry g, int index) =>
        new(index, g.KH, g.KW, g.H * g.W, g.DilationH, 0, g.DilationW, 0, g.W);

    /// <summary>Pixels (n, oh, ow) from <paramref name="index"/> on: offset n·C·H·W + (oh·s − p)·W + ow·s − p.</summary>
    public static ConvWalk Pixels(ConvGeometry g, int index) =>
        new(index, g.OutH, g.OutW, g.C * g.H * g.W, g.StrideH, -g.PadH, g.StrideW, -g.PadW, g.W);

    public readonly int H => b * bStep + bStart;
    public readonly int W => c * cStep + cStart;
    public readonly int Offset => a * aStride + H * width + W;

    public void Next()
    {
        if (++c < cCount)
            return;
        c = 0;
        if (++b < bCount)
            return;
        b = 0;
        a++;
    }
}
