namespace QSparse.Host.Training;

/// <summary>What QSPARSE does to the seed network during training (SPEC.md §11).</summary>
public enum TrainMode
{
    /// <summary>Full precision.</summary>
    Float,

    /// <summary>Weights and activations quantized.</summary>
    Quantize,

    /// <summary>Weights and/or activations pruned (<see cref="PruneTarget"/>).</summary>
    Prune,

    /// <summary>Both, in the order <see cref="QsparseOrder"/> gives.</summary>
    QuantizePrune,
}
