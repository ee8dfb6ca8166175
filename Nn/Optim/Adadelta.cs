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
        double weightDecay = 0) : base(parameters, lr)
    {
        if (!(rho >= 0 && rho <= 1))
            throw new ArgumentOutOfRangeException(nameof(rho), rho, $"invalid rho value: {rho}");
        if (!(eps >= 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"invalid epsilon value: {eps}");
        if (!(weightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"invalid weight_decay value: {weightDecay}");
        Rho = rho;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <summary>The decay of the running averages.</summary>
    public double Rho { get; }

    /// <summary>Added inside the square roots.</summary>
    public double Eps { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    protected override IReadOnlyList<string> StateNames => names;

    protected override void Update(Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        var p = new AdadeltaParams
        {
            Lr = (float)Lr,
            Rho = (float)Rho,
            OneMinusRho = (float)(1 - Rho),
            Eps = (float)Eps,
            WeightDecay = (float)WeightDecay,
            Step = state.Step,
        };
        var s = state.Tensors;
        OptimizerKernels.Adadelta(param.Device, param.F32, grad.F32, s[0].F32, s[1].F32, s[2].F32, p);
    }
}
