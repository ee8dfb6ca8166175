using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static QSparse.Kernels.NativeGemm;

namespace QSparse.Kernels;

/// <summary>
/// The im2col matrix of x [N, C, H, W] as a GEMM's B operand, never materialised: panels are packed
/// straight from the image. Element (tap (c, ki, kj), pixel (n, oh, ow)) is
/// x[n, c, oh·s − p + ki·d, ow·s − p + kj·d], 0 in the padding. The rows are <paramref name="rows"/> (taps
/// for the forward pass, Y = W·col; pixels for backward-weight, GW = GY·colᵀ) and the columns the other axis.
/// Each panel row is two 8-wide loads: a plain (or masked) load where the 8 columns are consecutive
/// in memory, a masked AVX2 gather elsewhere; the mask is the padding test.
/// </summary>
readonly unsafe struct Im2ColB(float* x, ConvIndexTable rows, ConvIndexTable columns, ConvGeometry g) : IGemmB
{
    public void Pack(int k0, int kc, int n0, int nr, float* dst)
    {
        // NOTE: the column table is padded to whole panels with entries outside the image, so a partial panel needs no care.
        var half0 = new Half8(columns, n0);
        var half1 = new Half8(columns, n0 + 8);
        var limits = new Limits(g);
        for (int k = k0; k < k0 + kc; k++, dst += NR)
        {
            float* row = x + rows.Offset[k];
            int h = rows.H[k], w = rows.W[k];
            Vector256.Store(half0.Load(row, h, w, limits), dst);
            Vector256.Store(half1.Load(row, h, w, limits), dst + 8);
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

        public Half8(ConvIndexTable table, int start)
        {
            offsets = Vector256.Load(table.Offset + start);
            hs = Vector256.Load(table.H + start);
            ws = Vector256.Load(table.W + start);
            first = table.Offset[start];
            run = offsets == Vector256.Create(first) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
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
/// The taps or the pixels of a convolution, each as its part of an input element: an offset into x
/// and a share of the input row and column (tap (c, ki, kj): c·H·W + ki·d·W + kj·d, ki·d, kj·d; pixel
/// (n, oh, ow): n·C·H·W + (oh·s − p)·W + ow·s − p, oh·s − p, ow·s − p), so that tap part + pixel part is
/// the element and its (h, w) position. Tables are padded to whole panels with entries outside every image.
/// </summary>
readonly unsafe struct ConvIndexTable
{
    /// <summary>The (h, w) part of a padding entry: far outside any image whatever is added to it.</summary>
    const int Outside = int.MinValue / 2;

    public readonly int* Offset, H, W;

    /// <summary>Ints of storage a table of <paramref name="count"/> entries needs.</summary>
    public static int Storage(int count) => 3 * Padded(count);

    static int Padded(int count) => (count + NR - 1) / NR * NR;

    ConvIndexTable(int* storage, int count, ConvWalk walk)
    {
        int padded = Padded(count);
        Offset = storage;
        H = storage + padded;
        W = storage + 2 * padded;
        for (int i = 0; i < padded; i++, walk.Next())
        {
            bool inside = i < count;
            Offset[i] = inside ? walk.Offset : 0;
            H[i] = inside ? walk.H : Outside;
            W[i] = inside ? walk.W : Outside;
        }
    }

    /// <summary>The taps (c, ki, kj) of <paramref name="g"/>, written into <paramref name="storage"/> (<see cref="Storage"/>(ColRows) ints).</summary>
    public static ConvIndexTable Taps(int* storage, ConvGeometry g) => new(storage, g.ColRows, ConvWalk.Taps(g));

    /// <summary>The pixels (n, oh, ow) of <paramref name="g"/>, written into <paramref name="storage"/> (<see cref="Storage"/>(ColCols) ints).</summary>
    public static ConvIndexTable Pixels(int* storage, ConvGeometry g) => new(storage, g.ColCols, ConvWalk.Pixels(g));
}

/// <summary>Walks the taps (c, ki, kj) or the pixels (n, oh, ow) of a convolution in order, as parts of <see cref="ConvIndexTable"/>.</summary>
struct ConvWalk
{
    int a, b, c;
    readonly int bCount, cCount, aStride, bStep, bStart, cStep, cStart, width;

    ConvWalk(int bCount, int cCount, int aStride, int bStep, int bStart, int cStep, int cStart, int width) =>
        (this.bCount, this.cCount, this.aStride, this.bStep, this.bStart, this.cStep, this.cStart, this.width) =
            (bCount, cCount, aStride, bStep, bStart, cStep, cStart, width);

    /// <summary>Taps (c, ki, kj): offset c·H·W + ki·d·W + kj·d.</summary>
    public static ConvWalk Taps(ConvGeometry g) => new(g.KH, g.KW, g.H * g.W, g.DilationH, 0, g.DilationW, 0, g.W);

    /// <summary>Pixels (n, oh, ow): offset n·C·H·W + (oh·s − p)·W + ow·s − p.</summary>
    public static ConvWalk Pixels(ConvGeometry g) => new(g.OutH, g.OutW, g.C * g.H * g.W, g.StrideH, -g.PadH, g.StrideW, -g.PadW, g.W);

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
