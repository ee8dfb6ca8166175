using System.Runtime.Intrinsics;
using static QSparse.Kernels.NativeGemm;

namespace QSparse.Kernels;

/// <summary>The A operand of <see cref="NativeGemm.Multiply{TA, TB}"/>: packs rows m0 .. m0 + mr − 1 (mr ≤ MR) of columns k0 .. k0 + kc − 1 as kc groups of MR floats, missing rows zero.</summary>
unsafe interface IGemmA
{
    void Pack(int m0, int mr, int k0, int kc, float* dst);
}

/// <summary>The B operand of <see cref="NativeGemm.Multiply{TA, TB}"/>: packs rows k0 .. k0 + kc − 1 of columns n0 .. n0 + nr − 1 (nr ≤ NR) as kc rows of NR floats, missing columns zero.</summary>
unsafe interface IGemmB
{
    void Pack(int k0, int kc, int n0, int nr, float* dst);
}

/// <summary>A matrix A in memory: element (m, k) at data[m·rowStride + k-axis offset].</summary>
readonly unsafe struct StridedA(float* data, long rowStride, AxisMap k) : IGemmA
{
    public void Pack(int m0, int mr, int k0, int kc, float* dst)
    {
        long* kOffsets = stackalloc long[kc];
        k.Offsets(k0, kc, kOffsets);
        float* rows = data + m0 * rowStride;
        for (int kk = 0; kk < kc; kk++, dst += MR)
        {
            float* src = rows + kOffsets[kk];
            for (int i = 0; i < MR; i++)
                dst[i] = i < mr ? src[i * rowStride] : 0f;
        }
    }
}

/// <summary>A matrix B in memory: element (k, n) at data[k·kStride + column-axis offset].</summary>
readonly unsafe struct StridedB(float* data, long kStride, AxisMap columns) : IGemmB
{
    public void Pack(int k0, int kc, int n0, int nr, float* dst)
    {
        long* offsets = stackalloc long[NR];
        columns.Offsets(n0, nr, offsets);
        float* rows = data + k0 * kStride;
        if (nr == NR && IsRun(offsets, NR))
        {
            for (int kk = 0; kk < kc; kk++, dst += NR)
            {
                float* src = rows + kk * kStride + offsets[0];
                Vector256.Store(Vector256.Load(src), dst);
                Vector256.Store(Vector256.Load(src + 8), dst + 8);
            }
            return;
        }
        // NOTE: with unit k-stride (a transposed B) each column is a contiguous run: read it in order.
        for (int j = 0; j < NR; j++)
        {
            float* src = rows + (j < nr ? offsets[j] : 0);
            for (int kk = 0; kk < kc; kk++)
                dst[kk * NR + j] = j < nr ? src[kk * kStride] : 0f;
        }
    }

    /// <summary>True when the first <paramref name="count"/> offsets are consecutive.</summary>
    public static bool IsRun(long* offsets, int count)
    {
        for (int j = 1; j < count; j++)
            if (offsets[j] != offsets[0] + j)
                return false;
        return true;
    }
}

/// <summary>The result C: element (m, n) at data[m·rowStride + column-axis offset], plus rowBias[m] when given (a convolution's bias).</summary>
readonly unsafe struct GemmOutput(float* data, long rowStride, AxisMap columns, float* rowBias = null)
{
    public readonly float* Data = data;
    public readonly long RowStride = rowStride;
    public readonly AxisMap Columns = columns;
    public readonly float* RowBias = rowBias;

    /// <summary>C = beta·C (+ bias): what a product with K = 0 leaves; C never read when beta is 0.</summary>
    public void Scale(int m, int n, float beta)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                ref float c = ref Data[i * RowStride + Columns.Offset(j)];
                c = (beta == 0f ? 0f : beta * c) + (RowBias != null ? RowBias[i] : 0f);
            }
    }
}
