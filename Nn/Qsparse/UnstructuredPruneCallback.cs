namespace QSparse.Nn;

/// <summary>
/// QSPARSE's unstructured pruning: saliency = element-wise mean of the window (tensors holding |x|);
/// mask = saliency ≥ sorted(saliency)[max(trunc(s·n - 1), 0)], so about a fraction s of the entries
/// switch off (ties survive). The mask has the window tensors' shape.
/// </summary>
public sealed class UnstructuredPruneCallback : IPruneCallback
{
    /// <summary>window: tensors of one shape [*]; returns bool [*].</summary>
    public Tensor ComputeMask(IReadOnlyList<Tensor> window, float sparsity, Tensor? currentMask)
    {
        PruneSaliency.Validate(window, sparsity);
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var mask = PruneSaliency.ThresholdMask(PruneSaliency.Mean(window), sparsity);
        return scope.MoveToOuter(mask);
    }
}
