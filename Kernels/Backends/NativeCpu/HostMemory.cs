using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// The host memory behind the CPU accelerator's views, seen only after the kernels already launched
/// have finished: <see cref="After"/> is the one place where the native backend waits for ILGPU's
/// kernels, and the only way to a view's address. A ref struct, so it cannot outlive the op that asked.
/// </summary>
readonly ref struct HostMemory
{
    // NOTE: false only in default(HostMemory), which skipped the wait; Address refuses it.
    readonly bool synchronized;

    HostMemory(bool synchronized) => this.synchronized = synchronized;

    /// <summary>Waits for every kernel launched on <paramref name="device"/>, then gives access to its buffers.</summary>
    public static HostMemory After(Device device)
    {
        device.Synchronize();
        return new HostMemory(true);
    }

    /// <summary>The host address of a view (0 for an empty one).</summary>
    public nint Address<T>(ArrayView<T> view) where T : unmanaged
    {
        if (!synchronized)
            throw new InvalidOperationException("host memory read without HostMemory.After: the device's kernels may still be running");
        return view.Length == 0 ? 0 : view.LoadEffectiveAddressAsPtr();
    }

    /// <summary>The host address of an optional view (0 when absent).</summary>
    public nint Address<T>(ArrayView<T>? view) where T : unmanaged => view is { } v ? Address(v) : 0;
}
