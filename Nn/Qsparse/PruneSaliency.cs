namespace QSparse.Nn;

/// <summary>The steps the built-in prune callbacks share: window checks, the window's mean, the threshold rule.</summary>
static class PruneSaliency
{
    /// <summary>Checks a window of one shape and a sparsity in [0, 1].</summary>
    public static void Validate(IReadOnlyList<Tensor> window, float sparsity)
    {
        if (window.Count == 0)
            throw new ArgumentException("the window holds no tensors", nameof(window));
        if (window.Any(t => !t.Shape.SequenceEqual(window[0].Shape)))
            throw new ArgumentException(
                $"window tensors differ in shape: {string.Join(", ", window.Select(t => ShapeUtil.Format(t.Shape)))}", nameof(window));
        if (!(sparsity >= 0 && sparsity <= 1))
            throw new ArgumentException($"sparsity {sparsity} is outside [0, 1]", nameof(sparsity));
    }

    /// <summary>
    /// The element-wise mean of the tensors. NOTE: summed in window order, then divided by the count
    /// (torch.mean on the CPU), not multiplied by its reciprocal, so saliencies match the reference bit for bit.
    /// </summary>
    public static Tensor Mean(IReadOnlyList<Tensor> tensors)
    {
        var sum = tensors[0];
        for (int i = 1; i < tensors.Count; i++)
            sum = sum.Add(tensors[i]);
        if (tensors.Count == 1)
            return sum;
        using var count = Tensor.Full(sum.Device, [], tensors.Count);
        return sum.Div(count);
    }

    /// <summary>
    /// saliency ≥ sorted(saliency)[max(trunc(s·n - 1), 0)]: a bool mask of saliency's shape. The
    /// threshold is selected on the device; NOTE: ≥ keeps every entry tied with it.
    /// </summary>
    public static Tensor ThresholdMask(Tensor saliency, float sparsity)
    {
        if (sparsity <= 0)
            return Tensor.Ones(saliency.Device, saliency.Shape, DType.Bool);
        // NOTE: in double with the float32 sparsity, as the reference's int(sparsity * n - 1).
        int index = Math.Max((int)((double)sparsity * saliency.Numel - 1), 0);
        using var threshold = Statistics.KthSmallest(saliency, index);
        return saliency.Ge(threshold);
    }
}
