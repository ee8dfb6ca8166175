using ILGPU;
using ILGPU.Runtime;

namespace QSparse.Kernels;

/// <summary>
/// Every copy between host arrays and device memory the library makes. Reads back wait for the device (a host
/// sync, counted in <see cref="Device.HostSyncs"/>). Uploads to a GPU go through its <see cref="Device.Staging"/>
/// ring and do not wait; CPU kinds copy directly, since their device memory is host memory and a staging copy
/// would only add one (the direct copy is a blocking one, counted).
/// </summary>
public static class HostTransfers
{
    /// <summary>Copies <paramref name="data"/> into <paramref name="target"/>, which must be as long.</summary>
    public static void Upload(Device device, ArrayView<byte> target, ReadOnlySpan<byte> data)
    {
        if (device.Staging is { } ring)
            ring.Upload(target, data);
        else if (SameLength(target, data.Length))
        {
            target.CopyFromCPU(device.Accelerator.DefaultStream, data);
            device.CountHostSync();
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="result"/> (as many bytes), after every launched kernel has finished.</summary>
    public static void Download(Device device, ArrayView<byte> source, Span<byte> result)
    {
        if (!SameLength(source, result.Length))
            return;
        source.CopyToCPU(device.Accelerator.DefaultStream, result);
        device.CountHostSync();
    }

    /// <summary>False when there is nothing to copy; an error when the host span and the view differ in length.</summary>
    internal static bool SameLength(ArrayView<byte> view, int bytes) => bytes == view.Length
        ? bytes > 0
        : throw new ArgumentException($"a copy of {bytes} bytes to or from a device view of {view.Length}");
}
