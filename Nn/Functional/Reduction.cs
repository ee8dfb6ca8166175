namespace QSparse.Nn;

/// <summary>How a loss combines its per-sample terms (PyTorch's reduction="mean" | "sum").</summary>
public enum Reduction
{
    /// <summary>The average over the samples that count (those whose target is not ignored).</summary>
    Mean,

    /// <summary>The plain sum.</summary>
    Sum,
}
