namespace QSparse.Tests;

/// <summary><see cref="ModelKeys"/>' lists at a path, for key lists written out in full (<c>using static</c>).</summary>
public static class StateKeys
{
    /// <summary>A QuantizeLayer's buffers.</summary>
    public static string[] QuantizerKeys(string path) => ModelKeys.Under(path, ModelKeys.Quantizer);

    /// <summary>A PruneLayer's buffers.</summary>
    public static string[] PrunerKeys(string path) => ModelKeys.Under(path, ModelKeys.Pruner);

    /// <summary>An affine BatchNorm's parameters and running statistics.</summary>
    public static string[] BatchNormKeys(string path) => ModelKeys.Under(path, ModelKeys.Bn);
}
