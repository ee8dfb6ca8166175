using System.Reflection;
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
/// Runs once, not per device. Set QSPARSE_PTX_DUMP to a folder to also write each kernel's PTX there (<see cref="KernelCompiler"/>).
/// With QSPARSE_PTXAS naming NVIDIA's ptxas (.ci/run sets it from .ci/ptxas.sh, which fetches CUDA 11.8's from
/// Debian's archive into a cache), every kernel is also assembled for sm_90 and must not spill or use more
/// than 48 KB of shared memory.
/// </summary>
public class PtxCompileTests
{
    /// <summary>Kernels known not to compile to PTX, by <see cref="KernelCatalog.Name"/>, with the reason; the test checks the list is exact.</summary>
    static readonly Dictionary<string, string> KnownFailures = new();

    /// <summary>Distinct kernels found at least: 154 at the last count (101 when written); a floor that catches reflection missing a family.</summary>
    const int MinKernels = 150;

    /// <summary>Distinct kernels the workload launches at least: 109 at the last count (78 when written; unused op pairings are not).</summary>
    const int MinLaunched = 105;

    [Test]
    public void EveryKernelCompilesToPtx()
    {
        var launched = LaunchedKernels();
        var enumerated = KernelCompiler.Kernels;
        Assert.That(launched.Except(enumerated).Select(KernelCatalog.Name), Is.Empty,
            "kernels the workload launched that reflection does not find");
        Assert.That(launched, Has.Count.GreaterThanOrEqualTo(MinLaunched));
        Assert.That(enumerated, Has.Count.GreaterThanOrEqualTo(MinKernels));

        var failures = KernelCompiler.Ptx.Failures;
        TestContext.Out.WriteLine($"{enumerated.Count} kernels compiled to PTX ({launched.Count} launched by the workload), {failures.Count} failed");
        var unexpected = failures.Where(f => !KnownFailures.ContainsKey(f.Key)).Select(f => $"{f.Key}: {f.Value}").ToList();
        Assert.That(unexpected, Is.Empty, "kernels that do not compile to PTX");
        Assert.That(KnownFailures.Keys.Except(failures.Keys), Is.Empty, "known failures that now compile: remove them from the list");
    }

    /// <summary>The most shared memory a CUDA group may use without opting in (48 KB).</summary>
    const int SharedMemoryLimit = 48 * 1024;

    [Test]
    public void EveryKernelAssemblesForSm90WithoutSpills()
    {
        var ptxas = Environment.GetEnvironmentVariable("QSPARSE_PTXAS");
        if (string.IsNullOrEmpty(ptxas) || !File.Exists(ptxas))
            Assert.Ignore("QSPARSE_PTXAS does not name a ptxas (.ci/ptxas.sh prints one's path)");
        var folder = Directory.CreateTempSubdirectory("qsparse-ptx-").FullName;
        var rows = new List<(string Name, int Registers, int Spills, int Shared)>();
        var refused = new List<string>();
        foreach (var (name, ptx) in KernelCompiler.Ptx.Sources)
        {
            var file = Path.Combine(folder, $"{rows.Count + refused.Count:000}.ptx");
            File.WriteAllText(file, ptx);
            var (exit, output, error) = Processes.Run(ptxas!, "-arch=sm_90", "-v", "-o", $"{file}.cubin", file);
            var info = error + output;
            if (exit != 0)
            {
                refused.Add($"{name}: {info.Trim()}");
                continue;
            }
            int Sum(string pattern) => System.Text.RegularExpressions.Regex.Matches(info, pattern).Sum(m => int.Parse(m.Groups[1].Value));
            rows.Add((name, Sum(@"Used (\d+) registers"), Sum(@"(\d+) bytes spill stores"), Sum(@"(\d+) bytes smem")));
        }
        TestContext.Out.WriteLine($"{rows.Count} of {KernelCompiler.Ptx.Sources.Count} kernels assembled for sm_90 by {ptxas}; registers at most {rows.Max(r => r.Registers)}, "
                                  + $"shared memory at most {rows.Max(r => r.Shared)} bytes, spill stores {rows.Sum(r => r.Spills)} bytes");
        Assert.That(refused, Is.Empty, "kernels ptxas refuses");
        Assert.That(rows, Has.Count.EqualTo(KernelCompiler.Ptx.Sources.Count));
        Assert.That(rows.Where(r => r.Spills > 0).Select(r => $"{r.Name}: {r.Spills} bytes"), Is.Empty, "kernels that spill registers");
        Assert.That(rows.Where(r => r.Shared > SharedMemoryLimit).Select(r => $"{r.Name}: {r.Shared} bytes"), Is.Empty, "kernels over 48 KB of shared memory");
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
