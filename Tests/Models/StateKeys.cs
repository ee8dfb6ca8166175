namespace QSparse.Tests;

/// <summary>The state-dict keys (SPEC.md §6) of one module at a path, for the model tests' key lists.</summary>
public static class StateKeys
{
    /// <summary>A QuantizeLayer's buffers.</summary>
    public static string[] QuantizerKeys(string path) => [$"{path}.decimal", $"{path}._n_updates", $"{path}.bits", $"{path}._quantized"];

    /// <summary>A PruneLayer's buffers.</summary>
    public static string[] PrunerKeys(string path) => [$"{path}.mask", $"{path}._n_updates", $"{path}._cur_sparsity"];

    /// <summary>An affine BatchNorm's parameters and running statistics.</summary>
    public static string[] BatchNormKeys(string path) =>
        [$"{path}.weight", $"{path}.bias", $"{path}.running_mean", $"{path}.running_var", $"{path}.num_batches_tracked"];
}
