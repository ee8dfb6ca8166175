using System.CommandLine;
using QSparse.Kernels;

namespace QSparse.Host.Commands;

/// <summary>The shared <c>--device</c> option: auto, cuda, opencl, cpu, cpu-accelerator or gpu-sim (default: QSPARSE_DEVICE, else auto).</summary>
static class DeviceOption
{
    public static readonly string[] Choices = ["auto", "cuda", "opencl", "cpu", "cpu-accelerator", "gpu-sim"];

    public static Option<string?> Create()
    {
        var option = new Option<string?>("--device")
        {
            Description = $"accelerator: auto (CUDA, then OpenCL, then CPU), cuda, opencl, cpu (native SIMD path) cpu-accelerator (ILGPU's simulator only) or gpu-sim (the simulator shaped like a GPU: GPU launch shapes, slow); default ${Device.EnvironmentVariable}, else auto",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value != null && !Choices.Contains(value.ToLowerInvariant()))
                result.AddError($"unknown --device '{value}': expected one of {string.Join(", ", Choices)}");
        });
        return option;
    }
}
