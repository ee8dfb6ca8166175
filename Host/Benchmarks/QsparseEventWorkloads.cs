namespace QSparse.Host.Benchmarks;

/// <summary>
/// The work of QSPARSE's schedule events at realistic sizes. GB/s counts the input bytes read once.
/// </summary>
public static class QsparseEventWorkloads
{
    /// <summary>The per-channel decimal search over a window of 8 activations [1, 64, 24, 24]: 64 channels × 20 candidates over 294,912 values.</summary>
    public static BenchWorkload DecimalSearch(Device device)
    {
        var window = Enumerable.Range(0, 8).Select(i => Tensor.Randn(device, [1, 64, 24, 24], new Generator((ulong)i))).ToArray();
        var quantizer = new LinearQuantizer();
        return Create("decimal search 8x[64,24,24] 20 candidates", () => quantizer.SearchDecimal(window, 8, 1, (0, 20), (0, 1)), window);
    }

    /// <summary>An exact quantile pair (0.01, 0.99) of 16M values.</summary>
    public static BenchWorkload Quantile(Device device)
    {
        var large = Tensor.Randn(device, [1 << 24], new Generator(100));
        return Create("quantile 16M exact (0.01, 0.99)", () => Statistics.Quantile(large, [0.01, 0.99]), [large]);
    }

    /// <summary>An unstructured prune-mask update of a 128×9216 weight.</summary>
    public static BenchWorkload PruneMask(Device device)
    {
        Tensor weight;
        using (var w = Tensor.Randn(device, [128, 9216], new Generator(101)))
            weight = w.Abs();
        var prune = new UnstructuredPruneCallback();
        return Create("prune mask 128x9216", () => prune.ComputeMask([weight], 0.5f, null), [weight]);
    }

    static BenchWorkload Create(string name, Func<Tensor> run, Tensor[] inputs) =>
        new(name, () => run().Dispose(), inputs, Bytes: inputs.Sum(t => 4.0 * t.Numel));
}
