using ILGPU;

namespace QSparse.Kernels;

/// <summary>Row gathers: y[i, :] = x[index[i], :] over rows of <c>rowSize</c> contiguous elements.</summary>
public static class GatherKernels
{
    /// <summary>
    /// Copies rows <paramref name="index"/>[0..] of <paramref name="x"/> into consecutive rows of
    /// <paramref name="y"/> (length index.Length · rowSize). Indexes must lie in [0, x.Length / rowSize).
    /// </summary>
    public static void GatherRows<T>(Device d, ArrayView<T> x, ArrayView<int> index, ArrayView<T> y, int rowSize)
        where T : unmanaged => d.Backend.GatherRows(x, index, y, rowSize);
}
