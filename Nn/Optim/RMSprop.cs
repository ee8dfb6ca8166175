using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// RMSprop (torch.optim.RMSprop, PyTorch 1.13): with g = grad + wd·p, sa = α·sa + (1-α)·g²;
/// centered: ga = α·ga + (1-α)·g, avg = sqrt(sa - ga²) + eps, else avg = sqrt(sa) + eps;
/// momentum &gt; 0: buf = momentum·buf + g/avg, p -= lr·buf, else p -= lr·g/avg.
/// State, in PyTorch's order: "step" (0-d float32), "square_avg", "momentum_buffer" (momentum &gt; 0),
/// "grad_avg" (centered).
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="alpha">The smoothing constant of the averages.</param>
    /// <param name="eps">Added to the root of the average.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="momentum">The momentum factor; 0 keeps no momentum buffer.</param>
    /// <param name="centered">Subtract the squared gradient average (an estimate of the variance).</param>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false)
        : this([new ParamGroup(parameters)], lr, alpha, eps, weightDecay, momentum, centered)
    {
    }

    /// <param name="groups">Parameter groups; an option a group leaves null takes the value given here.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="alpha">The smoothing constant of the averages.</param>
    /// <param name="eps">Added to the root of the average.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="momentum">The momentum factor; 0 keeps no momentum buffer.</param>
    /// <param name="centered">Subtract the squared gradient average (an estimate of the variance).</param>
    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(groups, new ParamGroup([], lr, weightDecay, momentum, eps: eps, alpha: alpha, centered: centered))
    {
        foreach (var g in ParamGroups)
        {
            double a = g.Alpha!.Value, m = g.Momentum!.Value;
            if (!(a >= 0))
                throw new ArgumentOutOfRangeException(nameof(alpha), a, $"invalid alpha value: {a}");
            if (!(m >= 0))
                throw new ArgumentOutOfRangeException(nameof(momentum), m, $"invalid momentum value: {m}");
            OptimizerChecks.EpsAndWeightDecay(g);
        }
    }

    protected override IReadOnlyList<string> StateNamesOf(ParamGroup group)
    {
        var names = new List<string> { StepName, "square_avg" };
        if (group.Momentum > 0)
            names.Add("momentum_buffer");
        if (group.Centered!.Value)
            names.Add("grad_avg");
        return names;
    }

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        double alpha = group.Alpha!.Value, momentum = group.Momentum!.Value;
        bool centered = group.Centered!.Value;
        var p = new RmspropParams
        {
            Lr = (float)group.Lr!.Value,
            Alpha = (float)alpha,
            OneMinusAlpha = (float)(1 - alpha),
            Eps = (float)group.Eps!.Value,
            WeightDecay = (float)group.WeightDecay!.Value,
            Momentum = (float)momentum,
            UseMomentum = momentum > 0 ? 1 : 0,
            Centered = centered ? 1 : 0,
            Step = state.Step,
        };
        var s = state.Tensors;
        // An unused buffer is never touched; the parameter's own view stands in for it.
        var buffer = momentum > 0 ? s[2].F32 : param.F32;
        var gradAvg = centered ? s[^1].F32 : param.F32;
        OptimizerKernels.Rmsprop(param.Device, param.F32, grad.F32, s[0].F32, s[1].F32, buffer, gradAvg, p);
    }
}
