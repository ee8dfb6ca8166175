using BenchmarkDotNet.Attributes;
using QSparse.Nn;
using Device = QSparse.Kernels.Device;

namespace QSparse.Perf;

/// <summary>
/// The QSPARSE statistics at realistic sizes: the per-channel decimal search over a window of 8
/// activations [1, 64, 24, 24] (64 channels × 20 candidates over 294,912 values), with and without
/// saturation; an exact quantile pair of 16M values; an unstructured prune-mask update of a
/// 128×9216 weight (1.18M values).
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class QsparseBenchmarks
{
    Device device = null!;
    Tensor[] window = null!;
    Tensor large = null!, weight = null!;
    readonly LinearQuantizer quantizer = new();
    readonly UnstructuredPruneCallback prune = new();

    [Params("cpu", "cpu-accelerator")]
    public string DeviceName { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        device = Device.Open(DeviceName);
        window = Enumerable.Range(0, 8).Select(i => Tensor.Randn(device, [1, 64, 24, 24], new Generator((ulong)i))).ToArray();
        large = Tensor.Randn(device, [1 << 24], new Generator(100));
        using (var w = Tensor.Randn(device, [128, 9216], new Generator(101)))
            weight = w.Abs();
        device.Synchronize();
    }

    [Benchmark]
    public void DecimalSearchPerChannel() => Run(() => quantizer.SearchDecimal(window, 8, 1, (0, 20), (0, 1)));

    [Benchmark]
    public void DecimalSearchPerChannelSaturated() => Run(() => quantizer.SearchDecimal(window, 8, 1, (0, 20), (0.01, 0.99)));

    [Benchmark]
    public void Quantile16M() => Run(() => Statistics.Quantile(large, [0.01, 0.99]));

    [Benchmark]
    public void PruneMask128x9216() => Run(() => prune.ComputeMask([weight], 0.5f, null));

    void Run(Func<Tensor> f)
    {
        using var result = f();
        device.Synchronize();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in window.Append(large).Append(weight))
            t.Dispose();
        device.Dispose();
    }
}
