namespace QSparse.Nn;

/// <summary>
/// QSPARSE's structured pruning: each window tensor's |t| is first averaged over every dimension not in
/// <see cref="PrunableDims"/> (kept with size 1), then the unstructured rule applies to the mean of
/// those. With the default {0} whole output channels (filters, rows) are pruned.
/// </summary>
public sealed class StructuredPruneCallback : IPruneCallback
{
    /// <summary>Prunes along <paramref name="prunableDims"/> (default {0}; negative counts from the end).</summary>
    public StructuredPruneCallback(params int[] prunableDims)
    {
        PrunableDims = prunableDims.Length == 0 ? [0] : (int[])prunableDims.Clone();
    }

    /// <summary>The dimensions the mask keeps; it has size 1 along every other.</summary>
    public IReadOnlyList<int> PrunableDims { get; }

    /// <summary>window: tensors of one shape [*]; returns bool of that shape with 1 along non-prunable dimensions.</summary>
    public Tensor ComputeMask(IReadOnlyList<Tensor> window, float sparsity, Tensor? currentMask)
    {
        PruneSaliency.Validate(window, sparsity);
        int rank = window[0].Rank;
        if (PrunableDims.Any(d => d < -rank || d >= rank))
            throw new ArgumentException(
                $"prunable dimensions [{string.Join(", ", PrunableDims)}] are not all dimensions of shape {ShapeUtil.Format(window[0].Shape)}",
                nameof(PrunableDims));
        var prunable = PrunableDims.Select(d => ShapeUtil.NormalizeDim(d, rank)).ToHashSet();
        var reduced = Enumerable.Range(0, rank).Where(d => !prunable.Contains(d)).ToArray();
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var means = window.Select(t => reduced.Length == 0 ? t.Abs() : AbsMean(t, reduced)).ToArray();
        var mask = PruneSaliency.ThresholdMask(PruneSaliency.Mean(means), sparsity);
        return scope.MoveToOuter(mask);
    }

    /// <summary>mean(|t|) over <paramref name="dims"/>, kept; summed then divided, as torch.mean on the CPU.</summary>
    static Tensor AbsMean(Tensor t, int[] dims)
    {
        using var count = Tensor.Full(t.Device, [], dims.Aggregate(1, (n, d) => n * t.Shape[d]));
        return t.Abs().Sum(dims, keepDim: true).Div(count);
    }
}
