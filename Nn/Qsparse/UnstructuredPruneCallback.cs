namespace QSparse.Nn;

/// <summary>
/// QSPARSE's unstructured pruning: saliency = element-wise mean of |x| over the window (it takes |x| itself,
/// as the reference's callback does, so a direct call with raw values is right);
/// mask = saliency ≥ sorted(saliency)[max(trunc(s·n - 1), 0)], so about a fraction s of the entries
/// switch off (ties survive). The mask has the window tensors' shape.
/// </summary>
public sealed class UnstructuredPruneCallback : IPruneCallback
{
    /// <summary>window: tensors of one shape [*] (raw values; |x| is taken here); returns bool [*].</summary>
    public Tensor ComputeMask(IReadOnlyList<Tensor> window, float sparsity, Tensor? currentMask)
    {
        PruneSaliency.Validate(window, sparsity);
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var mask = PruneSaliency.ThresholdMask(PruneSaliency.Mean(window.Select(t => t.Abs()).ToArray()), sparsity);
        return scope.MoveToOuter(mask);
    }
}
