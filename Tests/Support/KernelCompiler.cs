using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace QSparse.Tests;

/// <summary>
/// Every kernel <see cref="KernelCatalog"/> finds, compiled by one of ILGPU's source-emitting backends, which need
/// no device: PTX for sm_90 and OpenCL C 2.0. Each is compiled once per test run and shared by the tests that read it.
/// </summary>
public static class KernelCompiler
{
    /// <summary>For each kernel, by <see cref="KernelCatalog.Name"/>: its source, or why the backend refused it.</summary>
    public sealed record Compiled(IReadOnlyDictionary<string, string> Sources, IReadOnlyDictionary<string, string> Failures);

    /// <summary>Every kernel of the library, closed over its type arguments.</summary>
    public static IReadOnlyList<MethodInfo> Kernels => kernels.Value;

    static readonly Lazy<IReadOnlyList<MethodInfo>> kernels = new(() => KernelCatalog.Enumerate(typeof(Device).Assembly));

    /// <summary>PTX for sm_90; QSPARSE_PTX_DUMP names a folder to write each kernel's PTX to.</summary>
    public static Compiled Ptx => ptx.Value;

    static readonly Lazy<Compiled> ptx = new(() => Compile(context =>
        {
            // NOTE: ISA 7.8, the newest that CUDA 11.8's ptxas (the one .ci/ptxas.sh fetches) assembles for sm_90.
            var arch = CudaArchitecture.SM_90;
            return new PTXBackend(context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_78, nvvmAPI: null);
        },
        kernel => ((PTXCompiledKernel)kernel).PTXAssembly, "QSPARSE_PTX_DUMP", "ptx"));

    /// <summary>OpenCL C 2.0 for a device with doubles, 64-bit atomics and sub-groups; QSPARSE_CL_DUMP names a dump folder.</summary>
    public static Compiled OpenCL => openCL.Value;

    static readonly Lazy<Compiled> openCL = new(() => Compile(context =>
            new CLBackend(context,
                new CLCapabilityContext(float16: false, float64: true, genericAddressSpace: true, int64_Atomics: true, subGroups: true),
                CLDeviceVendor.Other, CLCVersion.CL20),
        kernel => ((CLCompiledKernel)kernel).Source, "QSPARSE_CL_DUMP", "cl"));

    static Compiled Compile(Func<Context, Backend> create, Func<CompiledKernel, string> source, string dumpVariable, string extension)
    {
        var dump = Environment.GetEnvironmentVariable(dumpVariable);
        // NOTE: the same context setup as a device (Device.Open), less the device: backend intrinsics are always registered.
        using var context = Context.Create(b => b.Optimize(OptimizationLevel.O2).EnableAlgorithms());
        using var backend = create(context);
        var sources = new Dictionary<string, string>();
        var failures = new Dictionary<string, string>();
        for (int k = 0; k < Kernels.Count; k++)
        {
            var name = KernelCatalog.Name(Kernels[k]);
            try
            {
                var text = source(backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(Kernels[k]), KernelSpecialization.Empty));
                sources[name] = text;
                if (!string.IsNullOrEmpty(dump))
                    File.WriteAllText(Path.Combine(dump, $"{k:000}.{extension}"), $"// {name}\n{text}");
            }
            catch (Exception e)
            {
                failures[name] = e.GetBaseException().Message;
            }
        }
        return new Compiled(sources, failures);
    }
}
