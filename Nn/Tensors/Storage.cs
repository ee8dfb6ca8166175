using ILGPU;
using ILGPU.Runtime;
using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// A pooled device buffer shared by a tensor and its views (reshape, flatten), returned to the
/// device's pool when the last of them is disposed. NOTE: no finaliser returns it: the buffer's
/// own finaliser may already have freed it, and a freed buffer must never re-enter the pool. An
/// undisposed tensor's memory is freed by ILGPU's finaliser instead.
/// </summary>
sealed class Storage
{
    MemoryBuffer1D<byte, Stride1D.Dense>? buffer;
    int references = 1;

    public Storage(Device device, long bytes)
    {
        Device = device;
        Bytes = bytes;
        buffer = device.Pool.Rent(bytes);
    }

    public Device Device { get; }
    public long Bytes { get; }

    public MemoryBuffer1D<byte, Stride1D.Dense> Buffer =>
        buffer ?? throw new ObjectDisposedException("tensor", "the tensor's device memory was already released");

    public void AddReference() => Interlocked.Increment(ref references);

    public void Release()
    {
        if (Interlocked.Decrement(ref references) != 0)
            return;
        var b = Interlocked.Exchange(ref buffer, null);
        if (b != null)
            Device.Pool.Return(b);
    }
}
