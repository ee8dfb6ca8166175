using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Adam (torch.optim.Adam, PyTorch 1.13, amsgrad off): with g = grad + wd·p,
/// m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps).
/// State: "step" (0-d float32), "exp_avg", "exp_avg_sq".
/// </summary>
public sealed class Adam : Optimizer
{
    static readonly string[] names = [StepName, "exp_avg", "exp_avg_sq"];

    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="betas">The decays of the gradient and squared-gradient averages; (0.9, 0.999) when null.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null,
        double eps = 1e-8, double weightDecay = 0) : base(parameters, lr)
    {
        var (beta1, beta2) = betas ?? (0.9, 0.999);
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(betas), beta1, $"invalid beta parameter at index 0: {beta1}");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(betas), beta2, $"invalid beta parameter at index 1: {beta2}");
        if (!(eps >= 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"invalid epsilon value: {eps}");
        if (!(weightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"invalid weight_decay value: {weightDecay}");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <summary>The decay of the gradient average.</summary>
    public double Beta1 { get; }

    /// <summary>The decay of the squared-gradient average.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    protected override IReadOnlyList<string> StateNames => names;

    protected override void Update(Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        // NOTE: PyTorch computes the bias corrections from step.item() in double and rounds them to
        // float only where they meet a tensor (the sqrt divisor and addcdiv's value).
        double biasCorrection1 = 1 - Math.Pow(Beta1, state.Step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, state.Step);
        var p = new AdamParams
        {
            Beta1 = (float)Beta1,
            OneMinusBeta1 = (float)(1 - Beta1),
            Beta2 = (float)Beta2,
            OneMinusBeta2 = (float)(1 - Beta2),
            Eps = (float)Eps,
            WeightDecay = (float)WeightDecay,
            StepSize = (float)(Lr / biasCorrection1),
            BiasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2),
            Step = state.Step,
        };
        var s = state.Tensors;
        OptimizerKernels.Adam(param.Device, param.F32, grad.F32, s[0].F32, s[1].F32, s[2].F32, p);
    }
}
