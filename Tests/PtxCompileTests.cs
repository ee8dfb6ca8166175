using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using QSparse.Host.Benchmarks;
using QSparse.Host.Training;
using QSparse.Nn;
using QSparse.Tests.Ops;

namespace QSparse.Tests;

/// <summary>
/// Every ILGPU kernel of the library compiles to PTX for sm_90 with ILGPU's PTX backend, which needs no GPU:
/// the kernels are validated on the CPU accelerator only, and a kernel the PTX backend refuses (a managed
/// type, an unsupported intrinsic, a view it cannot map) would only fail on a CUDA machine. The kernels are
/// those a workload launches on the CPU accelerator and those <see cref="KernelCatalog"/> finds by reflection.
/// Runs once, not per device. Set QSPARSE_PTX_DUMP to a folder to also write each kernel's PTX there
/// (for ptxas: <c>ptxas -arch=sm_90 -v k.ptx</c>).
/// </summary>
public class PtxCompileTests
{
    /// <summary>Kernels known not to compile to PTX, by <see cref="KernelCatalog.Name"/>, with the reason; the test checks the list is exact.</summary>
    static readonly Dictionary<string, string> KnownFailures = new();

    /// <summary>Distinct kernels found at least: 101 when written (6 kernel methods, the element loop over 39 bodies closed over their ops and element types).</summary>
    const int MinKernels = 95;

    /// <summary>Distinct kernels the workload launches at least: 78 when written (the GPU GEMM and unused op pairings are not).</summary>
    const int MinLaunched = 72;

    [Test]
    public void EveryKernelCompilesToPtx()
    {
        var launched = LaunchedKernels();
        var enumerated = KernelCatalog.Enumerate(typeof(Device).Assembly);
        Assert.That(launched.Except(enumerated).Select(KernelCatalog.Name), Is.Empty,
            "kernels the workload launched that reflection does not find");
        Assert.That(launched, Has.Count.GreaterThanOrEqualTo(MinLaunched));
        Assert.That(enumerated, Has.Count.GreaterThanOrEqualTo(MinKernels));

        var failures = CompileAll(enumerated);
        TestContext.Out.WriteLine($"{enumerated.Count} kernels compiled to PTX ({launched.Count} launched by the workload), {failures.Count} failed");
        var unexpected = failures.Where(f => !KnownFailures.ContainsKey(f.Key)).Select(f => $"{f.Key}: {f.Value}").ToList();
        Assert.That(unexpected, Is.Empty, "kernels that do not compile to PTX");
        Assert.That(KnownFailures.Keys.Except(failures.Keys), Is.Empty, "known failures that now compile: remove them from the list");
    }

    /// <summary>Kernel name → the exception's message, for each kernel the PTX backend refuses.</summary>
    static Dictionary<string, string> CompileAll(IReadOnlyList<MethodInfo> kernels)
    {
        var dump = Environment.GetEnvironmentVariable("QSPARSE_PTX_DUMP");
        // NOTE: the same context setup as a CUDA device (Device.Open), less the device: PTX intrinsics are always registered.
        using var context = Context.Create(b => b.Optimize(OptimizationLevel.O2).EnableAlgorithms());
        // NOTE: ISA 7.8, the newest that CUDA 11.8's ptxas (the one at hand for checks by hand) assembles for sm_90.
        var arch = CudaArchitecture.SM_90;
        using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_78, nvvmAPI: null);
        var failures = new Dictionary<string, string>();
        for (int k = 0; k < kernels.Count; k++)
        {
            var name = KernelCatalog.Name(kernels[k]);
            try
            {
                var compiled = (PTXCompiledKernel)backend.Compile(
                    EntryPointDescription.FromExplicitlyGroupedKernel(kernels[k]), KernelSpecialization.Empty);
                if (!string.IsNullOrEmpty(dump))
                    File.WriteAllText(Path.Combine(dump, $"{k:000}.ptx"), $"// {name}\n{compiled.PTXAssembly}");
            }
            catch (Exception e)
            {
                failures[name] = e.GetBaseException().Message;
            }
        }
        return failures;
    }

    /// <summary>
    /// The kernels loaded on a fresh CPU accelerator by one run of every op row (forward and backward), float
    /// and quantize+prune training steps of the seed network (Adadelta) and what those leave out.
    /// </summary>
    static IReadOnlyCollection<MethodInfo> LaunchedKernels()
    {
        using var device = Device.Open("cpu-accelerator");
        using var log = new CapturingLogger();
        foreach (var c in OpTable.All.Where(c => c.Bug == null))
            OpRunner.Run(c, device, OpRunner.Inputs(c), backward: true);
        foreach (var mode in new[] { TrainMode.Float, TrainMode.QuantizePrune })
        {
            using var bench = new SeedStepBench(device, mode, batch: 2);
            for (int s = 0; s <= bench.WarmupSteps; s++)
                bench.Step();
        }
        using (new TensorScope())
            RunTheRest(device);
        device.Synchronize();
        return device.LoadedKernelMethods;
    }

    /// <summary>Row gathers of every dtype, arange, gradient accumulation, SGD and Adam, random uniform pruning.</summary>
    static void RunTheRest(Device device)
    {
        var values = Tensor.Arange(device, 6).Reshape(3, 2);
        foreach (var dtype in Enum.GetValues<DType>())
            _ = values.To(dtype).IndexSelect([2, 0]);
        var p = Tensor.Randn(device, [4, 3], new Generator(3)).RequiresGrad_();
        using var sgd = new SGD([p], lr: 0.1, momentum: 0.9);
        using var adam = new Adam([p]);
        foreach (var optimizer in new Optimizer[] { sgd, adam })
        {
            // Two backward passes: the second accumulates into the leaf's gradient.
            (p * p).Sum().Backward();
            (p * p).Sum().Backward();
            optimizer.Step();
        }
        // The second mask counts what the first switched off.
        var pruning = new UnstructuredUniformPruneCallback(new Generator(1));
        _ = pruning.ComputeMask([p], 0.75f, pruning.ComputeMask([p], 0.5f, null));
    }
}
