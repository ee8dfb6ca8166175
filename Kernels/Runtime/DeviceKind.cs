namespace QSparse.Kernels;

/// <summary>The accelerator families QSparse can run on.</summary>
public enum DeviceKind
{
    Cuda,
    OpenCL,

    /// <summary>ILGPU's CPU accelerator with the fast native path (SIMD, all cores) for the hot operations.</summary>
    Cpu,

    /// <summary>ILGPU's CPU accelerator alone: every op runs as the same kernels as on GPUs (a simulator of GPU threads).</summary>
    CpuAccelerator,
}

public static class DeviceKindNames
{
    /// <summary>The name used by --device and QSPARSE_DEVICE: cuda, opencl, cpu, cpu-accelerator.</summary>
    public static string Name(this DeviceKind kind) => kind switch
    {
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCL => "opencl",
        DeviceKind.Cpu => "cpu",
        _ => "cpu-accelerator",
    };
}
