using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// AdamW (torch.optim.AdamW, PyTorch 1.13, amsgrad off): Adam with decoupled weight decay, in PyTorch's
/// order: p *= 1 - lr·wd first, then Adam's update of p without an L2 term. State as Adam's:
/// "step" (0-d float32), "exp_avg", "exp_avg_sq".
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="betas">The decays of the gradient and squared-gradient averages; (0.9, 0.999) when null.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">The decoupled decay: each step multiplies the parameter by 1 - lr·weight_decay.</param>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 1e-2) : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay)
    {
    }

    /// <param name="groups">Parameter groups; an option a group leaves null takes the value given here.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="betas">The decays of the gradient and squared-gradient averages; (0.9, 0.999) when null.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">The decoupled decay: each step multiplies the parameter by 1 - lr·weight_decay.</param>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 1e-2)
        : base(groups, new ParamGroup([], lr, weightDecay, betas: betas ?? (0.9, 0.999), eps: eps))
    {
        foreach (var g in ParamGroups)
        {
            OptimizerChecks.Betas(g);
            OptimizerChecks.EpsAndWeightDecay(g);
        }
    }

    protected override IReadOnlyList<string> StateNamesOf(ParamGroup group) => Adam.Names;

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        var p = new AdamWParams
        {
            Adam = Adam.Scalars(group, 0, state.Step),
            Decay = (float)(1 - group.Lr!.Value * group.WeightDecay!.Value),
        };
        var s = state.Tensors;
        OptimizerKernels.AdamW(param.Device, param.F32, grad.F32, s[0].F32, s[1].F32, s[2].F32, p);
    }
}
