using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace QSparse.Kernels;

/// <summary>What one accelerator reports about itself, for <c>qsparse devices</c>.</summary>
public sealed record DeviceInfo(DeviceKind Kind, string Name, long MemoryBytes, int Multiprocessors,
    int WarpSize, int MaxThreadsPerGroup, int MaxSharedMemoryPerGroup);

public sealed partial class Device
{
    /// <summary>The environment variable that picks a device when no --device is given.</summary>
    public const string EnvironmentVariable = "QSPARSE_DEVICE";

    static Device()
    {
        // NOTE: ILGPU opens "libcuda.so", which some driver installs only ship as libcuda.so.1.
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
            name.Contains("cuda", StringComparison.OrdinalIgnoreCase)
            && NativeLibrary.TryLoad("libcuda.so.1", out var handle) ? handle : IntPtr.Zero;
    }

    /// <summary>
    /// Opens the accelerator named by <paramref name="spec"/> (auto, cuda, opencl, cpu,
    /// cpu-accelerator, gpu-sim); null or empty reads <c>QSPARSE_DEVICE</c>, then falls back to auto (CUDA,
    /// then OpenCL, then CPU).
    /// </summary>
    public static Device Open(string? spec = null)
    {
        string source = "device";
        if (string.IsNullOrWhiteSpace(spec))
            (spec, source) = (Environment.GetEnvironmentVariable(EnvironmentVariable), $"{EnvironmentVariable}=");
        spec = string.IsNullOrWhiteSpace(spec) ? "auto" : spec.Trim().ToLowerInvariant();
        switch (spec)
        {
            case "cpu":
                return OpenCpu(DeviceKind.Cpu);
            case "cpu-accelerator":
                return OpenCpu(DeviceKind.CpuAccelerator);
            case "gpu-sim":
                return OpenSimulatedGpu();
            case "cuda":
            case "opencl":
            {
                var kind = spec == "cuda" ? DeviceKind.Cuda : DeviceKind.OpenCL;
                return TryOpenGpu(kind, out var error) ?? throw new InvalidOperationException(
                    $"device '{spec}' is not available ({error}); found: {DescribeAvailable()}");
            }
            case "auto":
                return TryOpenGpu(DeviceKind.Cuda, out _) ?? TryOpenGpu(DeviceKind.OpenCL, out _) ?? OpenCpu(DeviceKind.Cpu);
            default:
                throw new ArgumentException(
                    $"unknown {(source == "device" ? $"device '{spec}'" : $"{source}{spec}")}: expected auto, cuda, opencl, cpu, cpu-accelerator or gpu-sim");
        }
    }

    /// <summary>Every accelerator ILGPU finds here, the CPU accelerator included.</summary>
    public static IReadOnlyList<DeviceInfo> Available()
    {
        var found = new List<DeviceInfo>();
        foreach (var kind in new[] { DeviceKind.Cuda, DeviceKind.OpenCL })
        {
            using var device = TryOpenGpu(kind, out _);
            if (device != null)
                found.Add(device.Info);
        }
        foreach (var kind in new[] { DeviceKind.Cpu, DeviceKind.CpuAccelerator })
            using (var cpu = OpenCpu(kind))
                found.Add(cpu.Info);
        return found;
    }

    public DeviceInfo Info => new(Kind, Name, Accelerator.MemorySize, Accelerator.NumMultiprocessors,
        Accelerator.WarpSize, Accelerator.MaxNumThreadsPerGroup, Accelerator.MaxSharedMemoryPerGroup);

    static string DescribeAvailable() =>
        string.Join(", ", Available().Select(d => $"{d.Kind.Name()} ({d.Name})"));

    /// <summary>
    /// The CPU accelerator with one simulated multiprocessor per core. NOTE: ILGPU's default CPU
    /// device simulates a single multiprocessor, which would run every kernel on one core.
    /// <paramref name="kind"/> says whether the native SIMD path serves the hot operations.
    /// </summary>
    static Device OpenCpu(DeviceKind kind)
    {
        var cpu = new CPUDevice(2, 1, Environment.ProcessorCount);
        var context = Context.Create(b => b.CPU(cpu).Optimize(OptimizationLevel.O2).EnableAlgorithms());
        return new Device(context, cpu.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel), kind);
    }

    /// <summary>Multiprocessors of the simulated GPU: several, so launches span more groups than one multiprocessor holds.</summary>
    public const int SimulatedMultiprocessors = 4;

    /// <summary>
    /// The CPU accelerator with a GPU's geometry: warps of 32 threads, 8 warps (256 threads, <see cref="GpuGroupSize"/>)
    /// per group, <see cref="SimulatedMultiprocessors"/> multiprocessors. Every launch choice treats it as a GPU, so
    /// tests run the GPU launch shapes (grouped element loops, 16×16 GEMM groups, shared memory, atomics) on CI.
    /// NOTE: each simulated thread is a .NET thread and a barrier waits for all 256 of a group: keep its work small.
    /// </summary>
    static Device OpenSimulatedGpu()
    {
        var cpu = new CPUDevice(32, GpuGroupSize / 32, SimulatedMultiprocessors);
        var context = Context.Create(b => b.CPU(cpu).Optimize(OptimizationLevel.O2).EnableAlgorithms());
        return new Device(context, cpu.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel), DeviceKind.SimulatedGpu);
    }

    static Device? TryOpenGpu(DeviceKind kind, out string error)
    {
        Context? context = null;
        try
        {
            context = Context.Create(b =>
            {
                b.Optimize(OptimizationLevel.O2).EnableAlgorithms();
                if (kind == DeviceKind.Cuda) b.Cuda();
                else b.OpenCL();
            });
            var type = kind == DeviceKind.Cuda ? AcceleratorType.Cuda : AcceleratorType.OpenCL;
            var found = context.Devices.FirstOrDefault(d => d.AcceleratorType == type);
            if (found == null)
            {
                error = $"no {kind} accelerator found";
                context.Dispose();
                return null;
            }
            var device = new Device(context, found.CreateAccelerator(context), kind);
            device.SmokeTest();
            error = "";
            return device;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e.GetBaseException().Message;
            context?.Dispose();
            return null;
        }
    }

    /// <summary>Runs one tiny kernel, so a device that lists but cannot run (POCL without generic address space) is refused.</summary>
    void SmokeTest()
    {
        using var buffer = Accelerator.Allocate1D<float>(4);
        ElementwiseKernels.Fill(this, buffer.View, 1f);
        Synchronize();
        if (buffer.GetAsArray1D()[3] != 1f)
            throw new InvalidOperationException("smoke kernel produced a wrong result");
    }
}
