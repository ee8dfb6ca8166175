using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov momentum
/// (torch.optim.SGD, PyTorch 1.13): d = g + wd·p; buf = d at the first step, else
/// momentum·buf + (1 - dampening)·d; d = nesterov ? d + momentum·buf : buf; p -= lr·d.
/// State: "momentum_buffer" when momentum ≠ 0, none otherwise.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">The learning rate (required, as in PyTorch).</param>
    /// <param name="momentum">The momentum factor; 0 keeps no state.</param>
    /// <param name="dampening">How much of the new gradient the momentum buffer leaves out.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0 and zero dampening.</param>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false) : base(parameters, lr)
    {
        if (!(momentum >= 0))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"invalid momentum value: {momentum}");
        if (!(weightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"invalid weight_decay value: {weightDecay}");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException(
                $"nesterov momentum requires a momentum > 0 and zero dampening (momentum={momentum}, dampening={dampening})", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        StateNames = momentum != 0 ? ["momentum_buffer"] : [];
    }

    /// <summary>The momentum factor (0: plain SGD).</summary>
    public double Momentum { get; }

    /// <summary>How much of the new gradient the momentum buffer leaves out.</summary>
    public double Dampening { get; }

    /// <summary>The L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>True for Nesterov momentum.</summary>
    public bool Nesterov { get; }

    protected override IReadOnlyList<string> StateNames { get; }

    protected override void Update(Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        var p = new SgdParams
        {
            Lr = (float)Lr,
            Momentum = (float)Momentum,
            OneMinusDampening = (float)(1 - Dampening),
            WeightDecay = (float)WeightDecay,
            Nesterov = Nesterov ? 1 : 0,
            UseMomentum = Momentum != 0 ? 1 : 0,
            First = fresh ? 1 : 0,
        };
        // Without momentum the buffer is never touched; the parameter's own view stands in for it.
        var buffer = Momentum != 0 ? state.Tensors[0].F32 : param.F32;
        OptimizerKernels.Sgd(param.Device, param.F32, grad.F32, buffer, p);
    }
}
