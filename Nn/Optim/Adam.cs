using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Adam (torch.optim.Adam, PyTorch 1.13, amsgrad off), any betas: with g = grad + wd·p,
/// m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps).
/// State: "step" (0-d float32), "exp_avg", "exp_avg_sq".
/// </summary>
public sealed class Adam : Optimizer
{
    internal static readonly string[] Names = [StepName, "exp_avg", "exp_avg_sq"];

    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="betas">The decays of the gradient and squared-gradient averages; (0.9, 0.999) when null.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0) : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay)
    {
    }

    /// <param name="groups">Parameter groups; an option a group leaves null takes the value given here.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="betas">The decays of the gradient and squared-gradient averages; (0.9, 0.999) when null.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0)
        : base(groups, new ParamGroup([], lr, weightDecay, betas: betas ?? (0.9, 0.999), eps: eps))
    {
        foreach (var g in ParamGroups)
        {
            OptimizerChecks.Betas(g);
            OptimizerChecks.EpsAndWeightDecay(g);
        }
    }

    protected override IReadOnlyList<string> StateNamesOf(ParamGroup group) => Names;

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        var s = state.Tensors;
        var p = Scalars(group, group.WeightDecay!.Value, state.Step);
        OptimizerKernels.Adam(param.Device, param.F32, grad.F32, s[0].F32, s[1].F32, s[2].F32, p);
    }

    /// <summary>The scalars of step <paramref name="step"/> of <paramref name="group"/> with L2 penalty <paramref name="weightDecay"/>.</summary>
    internal static AdamParams Scalars(ParamGroup group, double weightDecay, long step)
    {
        var (beta1, beta2) = group.Betas!.Value;
        double lr = group.Lr!.Value;
        // NOTE: PyTorch computes the bias corrections from step.item() in double and rounds them to
        // float only where they meet a tensor (the sqrt divisor and addcdiv's value).
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        return new AdamParams
        {
            Beta1 = (float)beta1,
            OneMinusBeta1 = (float)(1 - beta1),
            Beta2 = (float)beta2,
            OneMinusBeta2 = (float)(1 - beta2),
            Eps = (float)group.Eps!.Value,
            WeightDecay = (float)weightDecay,
            StepSize = (float)(lr / biasCorrection1),
            BiasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2),
            Step = step,
        };
    }
}
