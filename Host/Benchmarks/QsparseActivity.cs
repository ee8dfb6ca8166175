using System.Globalization;

namespace QSparse.Host.Benchmarks;

/// <summary>What QSPARSE does in a bench network's steady state, checked before it is timed.</summary>
static class QsparseActivity
{
    /// <summary>
    /// How many quantizers have searched their decimals and the pruners' sparsity; an error when some are not
    /// active after <paramref name="warmupSteps"/> steps (the timing would not be of a QSPARSE step). Operators the
    /// forward never calls (the U-Net's outermost <c>qout</c>, kept for upstream's keys) are not counted.
    /// </summary>
    public static string Describe(Module model, int warmupSteps)
    {
        var called = model.NamedModules().Select(m => m.Module).OfType<QSparseLayer>().Where(l => l.Initialized).ToList();
        var quantizers = called.OfType<QuantizeLayer>().ToList();
        var pruners = called.OfType<PruneLayer>().ToList();
        if (quantizers.Count == 0 && pruners.Count == 0)
            return "full precision";
        int quantized = quantizers.Count(q => q.Quantized);
        var sparsities = pruners.Select(p => p.CurrentSparsity).ToList();
        if (quantized < quantizers.Count || sparsities.Any(s => s < 0.5f - 1e-6f))
            throw new InvalidOperationException(
                $"after {warmupSteps} steps only {quantized} of {quantizers.Count} quantizers are active and the pruners' sparsity is {string.Join(", ", sparsities)}");
        return string.Create(CultureInfo.InvariantCulture, $"{quantized} quantizers active, {pruners.Count} pruners at sparsity {sparsities.Min():0.##}");
    }
}
