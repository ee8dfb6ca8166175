namespace QSparse.Nn;

/// <summary>The range checks PyTorch's optimizers make on their options, with its messages.</summary>
static class OptimizerChecks
{
    /// <summary>Throws unless eps ≥ 0 and weight_decay ≥ 0.</summary>
    public static void EpsAndWeightDecay(ParamGroup g)
    {
        double eps = g.Eps!.Value, weightDecay = g.WeightDecay!.Value;
        if (!(eps >= 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"invalid epsilon value: {eps}");
        if (!(weightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"invalid weight_decay value: {weightDecay}");
    }

    /// <summary>Throws unless both betas are in [0, 1).</summary>
    public static void Betas(ParamGroup g)
    {
        var (beta1, beta2) = g.Betas!.Value;
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException("betas", beta1, $"invalid beta parameter at index 0: {beta1}");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException("betas", beta2, $"invalid beta parameter at index 1: {beta2}");
    }
}
