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

    /// <summary>
    /// ILGPU's CPU accelerator shaped like a GPU (warps of 32, groups of 256, several multiprocessors) and treated
    /// as one by every launch choice: the GPU launch shapes and kernels, run where there is no GPU (tests, CI).
    /// </summary>
    SimulatedGpu,
}

public static class DeviceKindNames
{
    /// <summary>The name used by --device and QSPARSE_DEVICE: cuda, opencl, cpu, cpu-accelerator, gpu-sim.</summary>
    public static string Name(this DeviceKind kind) => kind switch
    {
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCL => "opencl",
        DeviceKind.Cpu => "cpu",
        DeviceKind.SimulatedGpu => "gpu-sim",
        _ => "cpu-accelerator",
    };
}
