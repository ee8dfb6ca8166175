using System.Text.RegularExpressions;

namespace QSparse.Tests;

/// <summary>
/// The kernels whose results QSPARSE decides on must be bit-identical on every device: the quantizer and its
/// gradient clip, the decimal search's error and argmin, order statistics and their interpolation, the random
/// draws behind masks. Each kernel of those families is classified Exact or Tolerant here (a new one fails until
/// it is), and the PTX an Exact kernel executes holds no float operation ptxas may contract into an FMA or that
/// rounds approximately (<see cref="ExactMath"/>).
/// </summary>
public partial class ExactKernelTests
{
    /// <summary>The kernel families the classification covers, as parts of <see cref="KernelCatalog.Name"/>.</summary>
    static readonly string[] Families = ["IlgpuQuantize.", "IlgpuSelection.", "IlgpuRandom.", "IlgpuMask."];

    /// <summary>Kernels that must be bit-identical on every device, by name, with the decision they feed.</summary>
    internal static readonly Dictionary<string, string> Exact = new()
    {
        ["ElementLoop.Kernel<IlgpuQuantize.ForwardBody>"] = "the quantized weights and activations Q(x)",
        ["ElementLoop.Kernel<IlgpuQuantize.BackwardBody>"] = "the straight-through gradient's clip bounds Min·2^-d, Max·2^-d",
        ["ElementLoop.Kernel<IlgpuQuantize.GatherBody>"] = "the channel rows the decimal search reads (a copy)",
        ["ElementLoop.Kernel<IlgpuQuantize.SearchErrorBody>"] = "each candidate d's squared quantization error",
        ["ElementLoop.Kernel<IlgpuQuantize.ArgMinBody>"] = "the chosen decimal bits d (argmin of the errors, ties to the smallest)",
        ["ElementLoop.Kernel<IlgpuSelection.InitBody>"] = "the radix select's starting ranks (integers)",
        ["IlgpuSelection.HistogramKernel<FloatKeys>"] = "the quantiles' radix histograms (integer keys)",
        ["IlgpuSelection.HistogramKernel<RandomMaskKeys>"] = "the random pruning's radix histograms (integer keys)",
        ["IlgpuSelection.SharedHistogramKernel<FloatKeys>"] = "the quantiles' radix histograms on GPUs (integer keys, shared-memory counts)",
        ["IlgpuSelection.SharedHistogramKernel<RandomMaskKeys>"] = "the random pruning's radix histograms on GPUs (integer keys, shared-memory counts)",
        ["ElementLoop.Kernel<IlgpuSelection.ChooseBody>"] = "the selected order statistics (integer keys)",
        ["IlgpuSelection.ChooseKernel"] = "the selected order statistics on GPUs (an integer prefix over the bins)",
        ["ElementLoop.Kernel<IlgpuSelection.InterpolateBody>"] = "the quantiles QSPARSE prunes and saturates at (torch.lerp of two order statistics)",
        ["IlgpuMask.CountOffKernel"] = "how many mask entries are off (integers)",
        ["IlgpuMask.SwitchOffKernel"] = "which mask entries the random pruning switches off",
        ["ElementLoop.Kernel<IlgpuMask.TileBody>"] = "the mask an evaluation with strict=false applies (a copy)",
        ["ElementLoop.Kernel<IlgpuRandom.UniformBody>"] = "uniform draws (Tensor.Rand) that masks and initial weights are taken from",
        ["ElementLoop.Kernel<IlgpuRandom.BernoulliBody>"] = "dropout masks",
    };

    /// <summary>Kernels of the families whose float results may differ across devices within tolerance, with why.</summary>
    internal static readonly Dictionary<string, string> Tolerant = new()
    {
        // NOTE: its uniforms are exact; log, cos and sqrt become approximate instructions on CUDA (a few ulp), and no
        // decision reads a normal draw (weight initialisation, Tensor.Randn).
        ["ElementLoop.Kernel<IlgpuRandom.NormalBody>"] = "Box-Muller's log, cos and sqrt",
    };

    static IReadOnlyList<string> FamilyKernels() =>
        KernelCompiler.Kernels.Select(KernelCatalog.Name).Where(n => Families.Any(n.Contains)).Distinct().ToList();

    [Test]
    public void EveryKernelOfTheFamiliesIsClassified()
    {
        var kernels = FamilyKernels();
        TestContext.Out.WriteLine($"{kernels.Count} kernels in the quantize, selection, random and mask families: {Exact.Count} exact, {Tolerant.Count} tolerant");
        Assert.That(Exact.Keys.Intersect(Tolerant.Keys), Is.Empty, "kernels classified both ways");
        Assert.That(kernels.Except(Exact.Keys).Except(Tolerant.Keys), Is.Empty, "kernels to classify as Exact or Tolerant");
        Assert.That(Exact.Keys.Concat(Tolerant.Keys).Except(kernels), Is.Empty, "classified kernels that no longer exist");
    }

    [Test]
    public void ExactKernelsHaveNoContractibleOrApproximateFloatMath()
    {
        var offending = new List<string>();
        foreach (var name in Exact.Keys)
        {
            Assert.That(KernelCompiler.Ptx.Sources.TryGetValue(name, out var ptx), $"{name} did not compile to PTX");
            var found = Inexact(ptx!);
            if (found.Count > 0)
                offending.Add($"{name}: {string.Join(", ", found)}");
        }
        TestContext.Out.WriteLine($"{Exact.Count} exact kernels checked in PTX for sm_90");
        Assert.That(offending, Is.Empty, "exact kernels with contractible or approximate float instructions");
    }

    /// <summary>
    /// What the GPU runs: with QSPARSE_PTXAS set (and cuobjdump beside it, as .ci/ptxas.sh unpacks it), the SASS
    /// ptxas makes of each exact kernel holds no fused multiply-add. NOTE: MUFU.RCP does appear, from 32-bit integer
    /// division (index arithmetic), whose result ptxas corrects to exact.
    /// </summary>
    [Test]
    public void ExactKernelsHaveNoFusedMultiplyAddInSass()
    {
        var ptxas = Environment.GetEnvironmentVariable("QSPARSE_PTXAS");
        var cuobjdump = Path.Combine(Path.GetDirectoryName(ptxas ?? "") ?? "", "cuobjdump");
        if (string.IsNullOrEmpty(ptxas) || !File.Exists(ptxas) || !File.Exists(cuobjdump))
            Assert.Ignore("QSPARSE_PTXAS does not name a ptxas with cuobjdump beside it (.ci/ptxas.sh prints one's path)");
        var folder = Directory.CreateTempSubdirectory("qsparse-sass-").FullName;
        var fused = new List<string>();
        foreach (var (name, k) in Exact.Keys.Select((n, k) => (n, k)))
        {
            var file = Path.Combine(folder, $"{k:000}.ptx");
            File.WriteAllText(file, KernelCompiler.Ptx.Sources[name]);
            var (exit, _, error) = Processes.Run(ptxas!, "-arch=sm_90", "-o", $"{file}.cubin", file);
            Assert.That(exit, Is.Zero, $"{name}: {error}");
            var (_, sass, _) = Processes.Run(cuobjdump, "-sass", $"{file}.cubin");
            var found = Fused().Matches(sass).Select(m => m.Value).Distinct().ToList();
            if (found.Count > 0)
                fused.Add($"{name}: {string.Join(", ", found)}");
        }
        TestContext.Out.WriteLine($"{Exact.Count} exact kernels assembled for sm_90 by {ptxas} and disassembled: {fused.Count} with FFMA/DFMA");
        Assert.That(fused, Is.Empty, "exact kernels whose SASS fuses a multiply and an add");
    }

    [GeneratedRegex(@"\b[DFH]FMA\d*\b")]
    private static partial Regex Fused();

    /// <summary>The check is not vacuous: Box-Muller's multiplies and adds and its approximate log/cos are found.</summary>
    [Test]
    public void TheCheckFindsInexactMathInATolerantKernel()
    {
        var normal = KernelCompiler.Ptx.Sources[Tolerant.Keys.Single(n => n.Contains("IlgpuRandom.NormalBody"))];
        Assert.That(Inexact(normal), Has.Some.Matches(@"^(mul|add)\.f32$").And.Some.Contains(".approx"));
    }

    /// <summary>A module with a constant-predicate branch (as ILGPU leaves for CudaAsm.IsSupported), a live branch and an uncalled function.</summary>
    const string Module = """
        .version 7.8
        .target sm_90
        .address_size 64

        .func (.param .b32 r) used(.param .b32 a)
        {
        	add.rn.f32 	%f1, %f2, %f3;
        	ret;
        }

        .func unused()
        {
        	fma.rn.f32 	%f1, %f2, %f3, %f4;
        	ret;
        }

        .visible .entry Kernel_Kernel(.param .u64 p)
        {
        	.reg .pred 	%p<3>;
        	CONDITION
        	@%p1 bra.uni	L_dead;
        	setp.lt.s32	%p2, %r1, %r2;
        	@%p2 bra	L_live;
        	call.uni (%r3), used, (%r4);
        	bra.uni	L_end;
        L_dead:
        	mul.f32	%f5, %f6, %f7;
        	bra.uni	L_end;
        L_live:
        	sub.rn.f32 	%f8, %f9, %f10;
        L_end:
        	ret;
        }
        """;

    [Test]
    public void ReachabilitySkipsConstantBranchesAndUncalledFunctions()
    {
        var folded = Module.Replace("CONDITION", "mov.pred 	%p1, 0;");
        var reached = PtxReachability.Reachable(folded);
        Assert.That(reached.Keys, Is.EquivalentTo(new[] { "Kernel_Kernel", "used" }));
        Assert.That(reached["Kernel_Kernel"], Does.Contain("sub.rn.f32").And.Not.Contain("mul.f32"));
        Assert.That(Inexact(folded), Is.Empty);
        Assert.That(Inexact(Module.Replace("CONDITION", "setp.eq.s32	%p1, %r1, 0;")), Is.EqualTo(new[] { "mul.f32" }));
        Assert.That(Inexact(Module.Replace("CONDITION", "mov.pred 	%p1, 1;")), Is.EqualTo(new[] { "mul.f32" }));
    }

    /// <summary>The distinct inexact instructions in the functions reachable from the module's entry.</summary>
    internal static IReadOnlyList<string> Inexact(string ptx) =>
        PtxReachability.Reachable(ptx).Values.SelectMany(body => InexactInstruction().Matches(body).Select(m => m.Value))
            .Distinct().ToList();

    // NOTE: mul/add/sub without a rounding modifier may be contracted into fma by ptxas (with .rn they never are);
    // fma/mad round once where the host rounds twice; .approx (ex2, lg2, sin, cos, rcp, sqrt, div) and div.full
    // are not correctly rounded. Integer forms (mul.lo.s32, add.s64, mad.lo.u32) do not match.
    [GeneratedRegex(@"\b(?:mul|add|sub)(?:\.ftz|\.sat)*\.f(?:32|64)\b|\b(?:fma|mad)\.[\w.]*?f(?:32|64)\b|\b\w+\.approx(?:\.\w+)*|\bdiv\.full\.f32\b")]
    private static partial Regex InexactInstruction();
}
