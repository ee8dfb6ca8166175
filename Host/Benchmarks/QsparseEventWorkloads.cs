namespace QSparse.Host.Benchmarks;

/// <summary>
/// The work of QSPARSE's schedule events at realistic sizes: the per-channel decimal search over a window
/// of 8 activations [1, 64, 24, 24] (64 channels × 20 candidates over 294,912 values); an exact quantile pair
/// (0.01, 0.99) of 16M values; an unstructured prune-mask update of a 128×9216 weight. GB/s counts the input
/// bytes read once.
/// </summary>
public static class QsparseEventWorkloads
{
    /// <summary>The three event rows.</summary>
    public static IEnumerable<BenchResult> All(Device device, BenchOptions options)
    {
        using var scope = new TensorScope();
        var window = Enumerable.Range(0, 8).Select(i => Tensor.Randn(device, [1, 64, 24, 24], new Generator((ulong)i))).ToArray();
        var large = Tensor.Randn(device, [1 << 24], new Generator(100));
        var weight = Tensor.Randn(device, [128, 9216], new Generator(101)).Abs();
        var quantizer = new LinearQuantizer();
        var prune = new UnstructuredPruneCallback();
        return
        [
            Measure(device, options, "decimal search 8x[64,24,24] 20 candidates", () => quantizer.SearchDecimal(window, 8, 1, (0, 20), (0, 1)),
                window.Sum(t => 4.0 * t.Numel)),
            Measure(device, options, "quantile 16M exact (0.01, 0.99)", () => Statistics.Quantile(large, [0.01, 0.99]), 4.0 * large.Numel),
            Measure(device, options, "prune mask 128x9216", () => prune.ComputeMask([weight], 0.5f, null), 4.0 * weight.Numel),
        ];
    }

    static BenchResult Measure(Device device, BenchOptions options, string workload, Func<Tensor> run, double bytes) =>
        BenchClock.Measure(device, workload, () => run().Dispose(), options.Repeats, bytes: bytes);
}
