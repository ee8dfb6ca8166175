namespace QSparse.Kernels;

/// <summary>The accelerator families QSparse can run on.</summary>
public enum DeviceKind
{
    Cuda,
    OpenCL,
    Cpu,
}
