namespace QSparse.Nn;

/// <summary>
/// How a PruneLayer computes its mask (QSPARSE's PruneCallback): the extension point for other
/// pruning schemes. Built in: unstructured, structured (prunable dimensions) and unstructured-uniform.
/// </summary>
public interface IPruneCallback
{
    /// <summary>
    /// The bool mask for <paramref name="window"/> (the layer's recent inputs x, raw values of one shape, as
    /// the reference's callbacks receive them; the built-in ones take |x| themselves) at
    /// <paramref name="sparsity"/>; <paramref name="currentMask"/> is the layer's mask so far (null at
    /// creation, when the callback is asked at sparsity 0 for the mask's shape).
    /// </summary>
    Tensor ComputeMask(IReadOnlyList<Tensor> window, float sparsity, Tensor? currentMask);
}
