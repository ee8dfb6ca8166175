namespace QSparse.Nn;

/// <summary>
/// A parameter group (an entry of PyTorch's <c>param_groups</c>): parameters and the options that
/// override the optimizer's defaults for them, e.g.
/// <code>new SGD([new ParamGroup(backbone, lr: 0.1), new ParamGroup(head)], lr: 0.01, momentum: 0.9)</code>
/// An option left null takes the optimizer's default; setting one the optimizer does not have is an error.
/// The optimizer keeps a resolved copy of each group (every option it uses set) in
/// <see cref="Optimizer.ParamGroups"/>, whose <see cref="Lr"/> a schedule may change.
/// </summary>
public sealed record ParamGroup
{
    double? lr;

    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="weightDecay">The weight decay (L2 penalty, or AdamW's decoupled decay).</param>
    /// <param name="momentum">SGD's and RMSprop's momentum factor.</param>
    /// <param name="dampening">SGD's dampening.</param>
    /// <param name="nesterov">SGD's Nesterov momentum.</param>
    /// <param name="betas">Adam's and AdamW's average decays.</param>
    /// <param name="eps">The denominator's epsilon (Adam, AdamW, Adadelta, RMSprop).</param>
    /// <param name="rho">Adadelta's decay.</param>
    /// <param name="alpha">RMSprop's smoothing constant.</param>
    /// <param name="centered">RMSprop's centered variant.</param>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null, double? momentum = null,
        double? dampening = null, bool? nesterov = null, (double Beta1, double Beta2)? betas = null, double? eps = null,
        double? rho = null, double? alpha = null, bool? centered = null)
    {
        Params = parameters.ToArray();
        Lr = lr;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        Betas = betas;
        Eps = eps;
        Rho = rho;
        Alpha = alpha;
        Centered = centered;
    }

    /// <summary>The group's parameters.</summary>
    public IReadOnlyList<Tensor> Params { get; init; }

    /// <summary>The learning rate (≥ 0); settable on the optimizer's resolved groups, e.g. from a schedule.</summary>
    public double? Lr
    {
        get => lr;
        set
        {
            if (value is { } v && !(v >= 0))
                throw new ArgumentOutOfRangeException("lr", v, $"invalid learning rate: {v}");
            lr = value;
        }
    }

    /// <summary>The weight decay.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>The momentum factor.</summary>
    public double? Momentum { get; init; }

    /// <summary>SGD's dampening.</summary>
    public double? Dampening { get; init; }

    /// <summary>SGD's Nesterov momentum.</summary>
    public bool? Nesterov { get; init; }

    /// <summary>Adam's average decays.</summary>
    public (double Beta1, double Beta2)? Betas { get; init; }

    /// <summary>The denominator's epsilon.</summary>
    public double? Eps { get; init; }

    /// <summary>Adadelta's decay.</summary>
    public double? Rho { get; init; }

    /// <summary>RMSprop's smoothing constant.</summary>
    public double? Alpha { get; init; }

    /// <summary>RMSprop's centered variant.</summary>
    public bool? Centered { get; init; }

    /// <summary>
    /// This group with every option it leaves null taken from <paramref name="defaults"/> (the optimizer's
    /// options, null where it has none). Throws naming the group and option when this group sets one the
    /// optimizer does not have.
    /// </summary>
    internal ParamGroup Resolve(ParamGroup defaults, int index, string optimizer)
    {
        T? Pick<T>(T? own, T? fallback, string name) where T : struct
        {
            if (own != null && fallback == null)
                throw new ArgumentException($"param group {index}: {optimizer} has no option '{name}'", nameof(ParamGroup));
            return own ?? fallback;
        }
        return this with
        {
            Lr = Pick(Lr, defaults.Lr, "lr"),
            WeightDecay = Pick(WeightDecay, defaults.WeightDecay, "weight_decay"),
            Momentum = Pick(Momentum, defaults.Momentum, "momentum"),
            Dampening = Pick(Dampening, defaults.Dampening, "dampening"),
            Nesterov = Pick(Nesterov, defaults.Nesterov, "nesterov"),
            Betas = Pick(Betas, defaults.Betas, "betas"),
            Eps = Pick(Eps, defaults.Eps, "eps"),
            Rho = Pick(Rho, defaults.Rho, "rho"),
            Alpha = Pick(Alpha, defaults.Alpha, "alpha"),
            Centered = Pick(Centered, defaults.Centered, "centered"),
        };
    }
}
