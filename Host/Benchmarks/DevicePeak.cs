using System.Globalization;
using System.Runtime.Intrinsics.X86;
using ILGPU.Runtime.Cuda;
using QSparse.Kernels;

namespace QSparse.Host.Benchmarks;

/// <summary>
/// The device's theoretical FP32 rate and memory bandwidth, what <c>qsparse bench</c> puts each row's achieved rate
/// beside. Null where the device does not say (OpenCL; a CPU's memory bandwidth).
/// </summary>
/// <param name="Flops">FP32 FLOP/s at the peak: FMA lanes × 2 × clock.</param>
/// <param name="Bytes">Memory bytes/s at the peak.</param>
/// <param name="Source">How the numbers were derived, for the report.</param>
public sealed record DevicePeak(double? Flops, double? Bytes, string Source)
{
    /// <summary>The peak of <paramref name="device"/>: CUDA from the card's clocks, CPU kinds from the processor.</summary>
    public static DevicePeak Of(Device device) => device.Accelerator.Device switch
    {
        CudaDevice cuda => Cuda(cuda),
        _ when device.Kind is DeviceKind.Cpu or DeviceKind.CpuAccelerator or DeviceKind.SimulatedGpu => Cpu(),
        _ => new DevicePeak(null, null, "unknown for this device"),
    };

    /// <summary>
    /// SMs × FP32 lanes per SM × 2 × the boost clock; bandwidth = 2 (double data rate) × memory clock × bus width. An
    /// H200 (132 SMs of 128 lanes at 1.98 GHz) gives 66.9 TFLOP/s, NVIDIA's figure without tensor cores.
    /// </summary>
    static DevicePeak Cuda(CudaDevice cuda)
    {
        int major = cuda.Architecture?.Major ?? 0, minor = cuda.Architecture?.Minor ?? 0;
        int? lanes = Fp32LanesPerSm(major, minor);
        // NOTE: CUDA reports both clocks in kHz and the bus width in bits.
        double? flops = lanes is { } l ? (double)cuda.NumMultiprocessors * l * 2 * cuda.ClockRate * 1e3 : null;
        double bytes = 2.0 * cuda.MemoryClockRate * 1e3 * cuda.MemoryBusWidth / 8;
        return new DevicePeak(flops, bytes, string.Create(CultureInfo.InvariantCulture,
            $"sm_{major}{minor}: {cuda.NumMultiprocessors} SMs × {(lanes?.ToString(CultureInfo.InvariantCulture) ?? "?")} FP32 lanes × 2 × {cuda.ClockRate / 1e6:0.###} GHz; "
            + $"2 × {cuda.MemoryClockRate / 1e6:0.###} GHz × {cuda.MemoryBusWidth} bits"));
    }

    /// <summary>FP32 lanes per SM by compute capability (CUDA programming guide, arithmetic instructions table).</summary>
    static int? Fp32LanesPerSm(int major, int minor) => (major, minor) switch
    {
        (6, 0) => 64,
        (6, _) => 128,
        (7, _) => 64,
        (8, 0) => 64,
        (8, _) => 128,
        (9, _) => 128,
        _ => null,
    };

    /// <summary>Cores × FMA lanes × 2 × the clock /proc/cpuinfo reports: 2 FMA units of 8 floats per core with AVX2 and FMA.</summary>
    static DevicePeak Cpu()
    {
        double? mhz = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").Where(l => l.StartsWith("cpu MHz", StringComparison.Ordinal))
                .Select(l => double.TryParse(l.Split(':', 2)[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null)
                .FirstOrDefault(v => v != null)
            : null;
        int lanes = Avx2.IsSupported && Fma.IsSupported ? 2 * 8 : 4;
        if (mhz is not { } clock)
            return new DevicePeak(null, null, "no clock in /proc/cpuinfo");
        return new DevicePeak(Environment.ProcessorCount * lanes * 2 * clock * 1e6, null, string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores × {lanes} FMA lanes × 2 × {clock / 1e3:0.###} GHz"));
    }
}
