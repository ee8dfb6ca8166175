using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>Row gathers: y[i, :] = x[index[i], :] over rows of <c>rowSize</c> contiguous elements.</summary>
public static class GatherKernels
{
    static void GatherRowsKernel<T>(ElementRange r, ArrayView<T> x, ArrayView<int> index, ArrayView<T> y, int rowSize)
        where T : unmanaged
    {
        int t = Grid.GlobalIndex.X;
        for (int j = 0; j < r.PerThread; j++)
        {
            int i = r.Element(t, j);
            if (i < 0) return;
            int row = i / rowSize;
            y[i] = x[(long)index[row] * rowSize + (i - row * rowSize)];
        }
    }

    /// <summary>
    /// Copies rows <paramref name="index"/>[0..] of <paramref name="x"/> into consecutive rows of
    /// <paramref name="y"/> (length index.Length · rowSize). Indexes must lie in [0, x.Length / rowSize).
    /// </summary>
    public static void GatherRows<T>(Device d, ArrayView<T> x, ArrayView<int> index, ArrayView<T> y, int rowSize)
        where T : unmanaged
    {
        var (config, range) = d.Elements((int)y.Length);
        d.Kernel<ElementRange, ArrayView<T>, ArrayView<int>, ArrayView<T>, int>(GatherRowsKernel)(config, range, x, index, y, rowSize);
    }
}
