using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace QSparse.Tests;

/// <summary>
/// Every ILGPU kernel of the library translates to OpenCL C 2.0 with ILGPU's OpenCL backend (no device needed), so
/// an OpenCL (AMD, Intel) machine can load them. With QSPARSE_CLANG naming a clang (.ci/run sets clang-14 where it is
/// installed) the sources are also compiled to SPIR LLVM IR, and the <see cref="ExactKernelTests.Exact"/> kernels
/// must hold no contracted multiply-add (llvm.fmuladd / llvm.fma, contract or fast flags) and no float division.
/// NOTE: what OpenCL guarantees: single-precision +, - and * are correctly rounded; a / b (2.5 ulp) and sqrt (3 ulp)
/// are not unless the program is built with -cl-fp32-correctly-rounded-divide-sqrt, so exact kernels avoid them; and
/// FP_CONTRACT defaults on but may fuse only within one expression (-cl-mad-enable or -cl-fast-relaxed-math would
/// allow more, and the runtime never passes them), while ILGPU writes one operation per statement.
/// Set QSPARSE_CL_DUMP to a folder to also write each kernel's OpenCL C there (<see cref="KernelCompiler"/>).
/// </summary>
public partial class OpenCLCompileTests
{
    /// <summary>Kernels known not to translate to OpenCL C, by <see cref="KernelCatalog.Name"/>, with the reason; the test checks the list is exact.</summary>
    static readonly Dictionary<string, string> KnownFailures = new();

    [Test]
    public void EveryKernelTranslatesToOpenCLC()
    {
        var failures = KernelCompiler.OpenCL.Failures;
        TestContext.Out.WriteLine($"{KernelCompiler.OpenCL.Sources.Count} of {KernelCompiler.Kernels.Count} kernels translated to OpenCL C 2.0, {failures.Count} failed");
        var unexpected = failures.Where(f => !KnownFailures.ContainsKey(f.Key)).Select(f => $"{f.Key}: {f.Value}").ToList();
        Assert.That(unexpected, Is.Empty, "kernels that do not translate to OpenCL C");
        Assert.That(KnownFailures.Keys.Except(failures.Keys), Is.Empty, "known failures that now translate: remove them from the list");
    }

    [Test]
    public void EveryKernelCompilesWithClangAndExactKernelsAreNotContracted()
    {
        var clang = Clang();
        var folder = Directory.CreateTempSubdirectory("qsparse-cl-").FullName;
        var sources = KernelCompiler.OpenCL.Sources.ToList();
        var refused = new ConcurrentBag<string>();
        var contracted = new ConcurrentBag<string>();
        Parallel.For(0, sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var (name, source) = sources[k];
            var file = Path.Combine(folder, $"{k:000}.cl");
            File.WriteAllText(file, source);
            var (exit, ir, error) = CompileToIr(clang, file);
            if (exit != 0)
                refused.Add($"{name}: {error.Trim()}");
            else if (ExactKernelTests.Exact.ContainsKey(name) && Contracted(ir) is { Count: > 0 } found)
                contracted.Add($"{name}: {string.Join(", ", found)}");
        });
        TestContext.Out.WriteLine($"{sources.Count - refused.Count} of {sources.Count} OpenCL C kernels compiled by {clang}; "
                                  + $"{ExactKernelTests.Exact.Count} exact kernels checked for contraction");
        Assert.That(refused, Is.Empty, "kernels clang refuses");
        Assert.That(contracted, Is.Empty, "exact kernels with contracted or inexact float operations");
    }

    /// <summary>The check is not vacuous: a*b + c in one OpenCL C expression is contracted (FP_CONTRACT on) and found.</summary>
    [Test]
    public void TheCheckFindsAContractedExpression()
    {
        var clang = Clang();
        var file = Path.Combine(Directory.CreateTempSubdirectory("qsparse-cl-").FullName, "contract.cl");
        File.WriteAllText(file, "kernel void k(global float* y, float a, float b) { y[0] = a * y[0] + b; }");
        var (exit, ir, error) = CompileToIr(clang, file);
        Assert.That(exit, Is.Zero, error);
        Assert.That(Contracted(ir), Has.Some.Contains("fmuladd"));
    }

    static string Clang()
    {
        var clang = Environment.GetEnvironmentVariable("QSPARSE_CLANG");
        if (string.IsNullOrEmpty(clang) || !File.Exists(clang))
            Assert.Ignore("QSPARSE_CLANG does not name a clang (.ci/run sets it to /usr/bin/clang-14 where that is installed)");
        return clang!;
    }

    /// <summary>OpenCL C 2.0 to SPIR LLVM IR (text, on standard output) with the builtin declarations and no optimisation.</summary>
    static (int Exit, string Ir, string Error) CompileToIr(string clang, string file) =>
        Processes.Run(clang, "-x", "cl", "-cl-std=CL2.0", "-target", "spir64", "-Xclang", "-finclude-default-header",
            "-O0", "-S", "-emit-llvm", "-o", "-", file);

    static IReadOnlyList<string> Contracted(string ir) =>
        ContractedOperation().Matches(ir).Select(m => m.Value).Distinct().ToList();

    // Fused multiply-adds, float operations that carry contract/fast flags (fusable later), and float division.
    [GeneratedRegex(@"@llvm\.(?:fmuladd|fma)\.\w+|\b(?:fmul|fadd|fsub)\s+(?:\w+\s+)*?(?:contract|fast|reassoc)\b|\bfdiv(?:\s+\w+)*?\s+float\b")]
    private static partial Regex ContractedOperation();
}
