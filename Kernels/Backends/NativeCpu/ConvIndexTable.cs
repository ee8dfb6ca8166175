using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static QSparse.Kernels.NativeGemm;

namespace QSparse.Kernels;

/// <summary>
/// The taps or the pixels of a convolution, each as its part of an input element: an offset into x
/// and a share of the input row and column (tap (c, ki, kj): c·H·W + ki·d·W + kj·d, ki·d, kj·d; pixel
/// (n, oh, ow): n·C·H·W + (oh·s − p)·W + ow·s − p, oh·s − p, ow·s − p), so that tap part + pixel part is
/// the element and its (h, w) position. Tables are padded past whole panels with entries outside every image.
/// </summary>
readonly unsafe struct ConvIndexTable
{
    /// <summary>The (h, w) part of a padding entry: far outside any image whatever is added to it.</summary>
    const int Outside = int.MinValue / 2;

    public readonly int* Offset, H, W;

    /// <summary>Ints of storage a table of <paramref name="count"/> entries needs.</summary>
    public static int Storage(int count) => 3 * Padded(count);

    /// <summary>Whole panels, and one more: a panel may start at any index (one per image in backward-data).</summary>
    static int Padded(int count) => (count + NR - 1) / NR * NR + NR;

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

    ConvIndexTable(int* offset, int* h, int* w)
    {
        Offset = offset;
        H = h;
        W = w;
    }

    /// <summary>The entries from <paramref name="first"/> on: a channel group's taps.</summary>
    public ConvIndexTable From(int first) => new(Offset + first, H + first, W + first);

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

/// <summary>An image's bounds as vectors, for the padding test of 8 (h, w) positions at once.</summary>
readonly struct ImageBounds(ConvGeometry g)
{
    readonly Vector256<int> height = Vector256.Create(g.H), width = Vector256.Create(g.W), minusOne = Vector256.Create(-1);

    /// <summary>All ones in the lanes whose (h, w) lies in the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Inside(Vector256<int> h, Vector256<int> w) =>
        (Avx2.CompareGreaterThan(h, minusOne) & Avx2.CompareGreaterThan(height, h)
         & Avx2.CompareGreaterThan(w, minusOne) & Avx2.CompareGreaterThan(width, w)).AsSingle();
}
