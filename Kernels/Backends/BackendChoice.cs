namespace QSparse.Kernels;

/// <summary>
/// Which backend a device gets, decided once when it opens. A new backend (a vendor library, a
/// GPU-specific kernel set) is one class deriving from <see cref="Backend"/> plus its line here.
/// </summary>
static class BackendChoice
{
    /// <summary>The native SIMD backend for the "cpu" device on a processor that runs it; ILGPU's kernels everywhere else.</summary>
    public static Backend For(Device device) =>
        device.Kind == DeviceKind.Cpu && NativeCpuBackend.Supported ? new NativeCpuBackend(device) : new Backend(device);
}
