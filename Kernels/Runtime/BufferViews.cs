using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>Typed views of the pool's byte buffers.</summary>
public static class BufferViews
{
    /// <summary>The first <paramref name="count"/> elements of a byte buffer seen as T.</summary>
    public static ArrayView<T> As<T>(this MemoryBuffer1D<byte, Stride1D.Dense> buffer, long count) where T : unmanaged =>
        buffer.View.AsContiguous().Cast<T>().SubView(0, count);
}
