namespace QSparse.Host.Training;

/// <summary>Which of quantization and pruning starts first in the schedule (SPEC.md §11).</summary>
public enum QsparseOrder
{
    /// <summary>Weights quantized at 2E, activations at 3E, pruning from 4E.</summary>
    QuantizeFirst,

    /// <summary>Pruning from 2E, weights quantized at 6E, activations at 7E.</summary>
    PruneFirst,
}
