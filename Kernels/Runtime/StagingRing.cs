using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Page-locked host buffers that uploads to a GPU are copied from, reused round-robin, so a host→device copy is
/// enqueued on the device's stream and returns at once (a copy from pageable memory makes the host wait for it).
/// A slot may be refilled only once its last copy has completed: it records <see cref="Device.HostSyncs"/> when
/// filled, and every host sync waits for the whole stream, so a later count proves the copy done. Only a slot
/// refilled before any host sync since it was filled makes the host wait (<see cref="Device.Synchronize"/>,
/// counted): with more slots than uploads between two reads (the training loop's loss read), uploads never wait.
/// </summary>
public sealed class StagingRing : IDisposable
{
    /// <summary>
    /// Slots of a device's ring: the training loop uploads two arrays (images, labels) a step and reads the losses
    /// every 10 steps, so 20 uploads happen between syncs; 32 leave a margin (a task with more tensors a batch).
    /// </summary>
    public const int DefaultSlots = 32;

    readonly Device device;
    readonly Slot[] slots;
    readonly object gate = new();
    int next;

    /// <param name="device">The device uploaded to; its <see cref="Device.HostSyncs"/> is the fence.</param>
    /// <param name="slots">Buffers in the ring (tests use few, to make uploads outrun them).</param>
    public StagingRing(Device device, int slots = DefaultSlots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        this.device = device;
        this.slots = [.. Enumerable.Range(0, slots).Select(_ => new Slot())];
    }

    /// <summary>Slots in the ring.</summary>
    public int Slots => slots.Length;

    /// <summary>Page-locked bytes held (each slot keeps the largest upload it carried).</summary>
    public long BytesPinned
    {
        get { lock (gate) return slots.Sum(s => s.Memory?.Length ?? 0); }
    }

    /// <summary>
    /// Enqueues the copy of <paramref name="data"/> into <paramref name="target"/> (as many bytes) on the device's
    /// stream; <paramref name="data"/> may be reused as soon as this returns.
    /// </summary>
    public void Upload(ArrayView<byte> target, ReadOnlySpan<byte> data)
    {
        if (!HostTransfers.SameLength(target, data.Length))
            return;
        lock (gate)
        {
            var slot = slots[next];
            next = (next + 1) % slots.Length;
            // NOTE: uploads and reads come from one thread (the training loop's), so no sync can start before this
            // slot's copy was enqueued and be counted after it.
            if (slot.FilledAt == device.HostSyncs)
                device.Synchronize();
            if (slot.Memory == null || slot.Memory.Length < data.Length)
            {
                slot.Memory?.Dispose();
                slot.Memory = device.Accelerator.AllocatePageLocked1D<byte>(data.Length);
            }
            var pinned = slot.Memory.Span[..data.Length];
            data.CopyTo(pinned);
            target.CopyFromCPUUnsafeAsync(device.Accelerator.DefaultStream, ref pinned[0], data.Length);
            slot.FilledAt = device.HostSyncs;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            // NOTE: a copy may still read a slot; no host sync is counted for a device being closed.
            device.Accelerator.Synchronize();
            foreach (var slot in slots)
            {
                slot.Memory?.Dispose();
                slot.Memory = null;
            }
        }
    }

    sealed class Slot
    {
        public PageLockedArray1D<byte>? Memory;

        /// <summary>The device's host-sync count when the slot was last filled; -1 when never.</summary>
        public long FilledAt = -1;
    }
}
