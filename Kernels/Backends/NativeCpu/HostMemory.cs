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
    HostMemory(Device device) => _ = device;

    /// <summary>Waits for every kernel launched on <paramref name="device"/>, then gives access to its buffers.</summary>
    public static HostMemory After(Device device)
    {
        device.Synchronize();
        return new HostMemory(device);
    }

    /// <summary>The host address of a view (0 for an empty one).</summary>
    public nint Address<T>(ArrayView<T> view) where T : unmanaged =>
        view.Length == 0 ? 0 : view.LoadEffectiveAddressAsPtr();

    /// <summary>The host address of an optional view (0 when absent).</summary>
    public nint Address<T>(ArrayView<T>? view) where T : unmanaged => view is { } v ? Address(v) : 0;
}
