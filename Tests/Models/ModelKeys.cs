using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>State-dict key lists of the model tests, in PyTorch's order (SPEC §6).</summary>
public static class ModelKeys
{
    /// <summary>A BatchNorm's keys.</summary>
    public static readonly string[] Bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];

    /// <summary>An activation pruner's keys.</summary>
    public static readonly string[] Pruner = ["mask", "_n_updates", "_cur_sparsity"];

    /// <summary>An activation quantizer's keys.</summary>
    public static readonly string[] Quantizer = ["decimal", "_n_updates", "bits", "_quantized"];

    /// <summary>A bias-free convolution's keys, with its weight's prune and quantize state when <paramref name="qsparse"/>.</summary>
    public static string[] Conv(bool qsparse) => qsparse ? ["weight", .. Under("prune", Pruner), .. Under("quantize", Quantizer)] : ["weight"];

    /// <summary>The model's state-dict keys, in order.</summary>
    public static string[] Of(Module m) => m.StateDict().Select(kv => kv.Key).ToArray();

    /// <summary><paramref name="keys"/> under <paramref name="prefix"/>.</summary>
    public static string[] Under(string prefix, params string[] keys) => keys.Select(k => $"{prefix}.{k}").ToArray();
}
