using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Adadelta (torch.optim.Adadelta, PyTorch 1.13): with g = grad + wd·p, sa = ρ·sa + (1-ρ)·g²;
/// δ = sqrt(ad + eps) / sqrt(sa + eps) · g; ad = ρ·ad + (1-ρ)·δ²; p -= lr·δ.
/// State: "step" (0-d float32; PyTorch 1.13 keeps a Python int here), "square_avg", "acc_delta".
/// </summary>
public sealed class Adadelta : Optimizer
{
    static readonly string[] names = [StepName, "square_avg", "acc_delta"];

    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">Scales the delta before it is applied.</param>
    /// <param name="rho">The decay of the running averages, in [0, 1].</param>
    /// <param name="eps">Added inside the square roots.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0) : this([new ParamGroup(parameters)], lr, rho, eps, weightDecay)
    {
    }

    /// <param name="groups">Parameter groups; an option a group leaves null takes the value given here.</param>
    /// <param name="lr">Scales the delta before it is applied.</param>
    /// <param name="rho">The decay of the running averages, in [0, 1].</param>
    /// <param name="eps">Added inside the square roots.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    public Adadelta(IEnumerable<ParamGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0) : base(groups, new ParamGroup([], lr, weightDecay, eps: eps, rho: rho))
    {
        foreach (var g in ParamGroups)
        {
            double r = g.Rho!.Value;
            if (!(r >= 0 && r <= 1))
                throw new ArgumentOutOfRangeException(nameof(rho), r, $"invalid rho value: {r}");
            OptimizerChecks.EpsAndWeightDecay(g);
        }
    }

    protected override IReadOnlyList<string> StateNamesOf(ParamGroup group) => names;

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        double rho = group.Rho!.Value;
        var p = new AdadeltaParams
        {
            Lr = (float)group.Lr!.Value,
            Rho = (float)rho,
            OneMinusRho = (float)(1 - rho),
            Eps = (float)group.Eps!.Value,
            WeightDecay = (float)group.WeightDecay!.Value,
            Step = state.Step,
        };
        var s = state.Tensors;
        OptimizerKernels.Adadelta(param.Device, param.F32, grad.F32, s[0].F32, s[1].F32, s[2].F32, p);
    }
}
