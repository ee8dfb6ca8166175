using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>Row gathers: y[i, :] = x[index[i], :] over rows of <c>rowSize</c> contiguous elements.</summary>
static class IlgpuGather
{
    internal readonly struct GatherRowsBody<T>(ArrayView<T> x, ArrayView<int> index, ArrayView<T> y, int rowSize)
        : IElementBody where T : unmanaged
    {
        public void Run(int i)
        {
            int row = i / rowSize;
            y[i] = x[(long)index[row] * rowSize + (i - row * rowSize)];
        }
    }

    public static void GatherRows<T>(Device d, ArrayView<T> x, ArrayView<int> index, ArrayView<T> y, int rowSize)
        where T : unmanaged => d.ForEach((int)y.Length, new GatherRowsBody<T>(x, index, y, rowSize));
}
