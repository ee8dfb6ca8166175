using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Caching device allocator. NOTE: on CUDA every Allocate is a synchronous cuMemAlloc, so freed
/// buffers are kept in size classes (quarter powers of two) and handed out again; a training loop
/// with fixed shapes stops allocating after its first step.
/// </summary>
public sealed class BufferPool : IDisposable
{
    readonly Accelerator accelerator;
    readonly Dictionary<long, Stack<MemoryBuffer1D<byte, Stride1D.Dense>>> free = new();
    readonly object gate = new();
    bool disposed;

    internal BufferPool(Accelerator accelerator) => this.accelerator = accelerator;

    /// <summary>Bytes handed out and not yet returned.</summary>
    public long BytesInUse { get; private set; }

    /// <summary>Bytes held by the pool, in use or cached.</summary>
    public long BytesReserved { get; private set; }

    /// <summary>Device allocations made so far (cache misses).</summary>
    public long Allocations { get; private set; }

    /// <summary>A buffer of at least <paramref name="bytes"/> bytes; give it back with <see cref="Return"/>.</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> Rent(long bytes)
    {
        long size = SizeClass(Math.Max(bytes, 1));
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            BytesInUse += size;
            if (free.TryGetValue(size, out var stack) && stack.Count > 0)
                return stack.Pop();
            Allocations++;
            BytesReserved += size;
        }
        return accelerator.Allocate1D<byte>(size);
    }

    public void Return(MemoryBuffer1D<byte, Stride1D.Dense> buffer)
    {
        lock (gate)
        {
            if (disposed)
                return;
            BytesInUse -= buffer.Length;
            if (!free.TryGetValue(buffer.Length, out var stack))
                free[buffer.Length] = stack = new Stack<MemoryBuffer1D<byte, Stride1D.Dense>>();
            stack.Push(buffer);
        }
    }

    /// <summary>Frees every cached buffer that is not in use.</summary>
    public void Trim()
    {
        lock (gate)
        {
            foreach (var stack in free.Values)
                while (stack.Count > 0)
                {
                    var b = stack.Pop();
                    BytesReserved -= b.Length;
                    b.Dispose();
                }
        }
    }

    /// <summary>Rounds up to 256 bytes, then to a quarter power of two (at most 25% waste).</summary>
    static long SizeClass(long bytes)
    {
        if (bytes <= 256)
            return 256;
        int log = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(bytes - 1));
        long step = Math.Max(256L, 1L << Math.Max(log - 2, 0));
        return (bytes + step - 1) / step * step;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
                return;
            Trim();
            disposed = true;
        }
    }
}
