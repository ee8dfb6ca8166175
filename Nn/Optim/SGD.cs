using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov momentum
/// (torch.optim.SGD, PyTorch 1.13): d = g + wd·p; buf = d at the first step, else
/// momentum·buf + (1 - dampening)·d; d = nesterov ? d + momentum·buf : buf; p -= lr·d.
/// State: "momentum_buffer" when the group's momentum ≠ 0, none otherwise.
/// </summary>
public sealed class SGD : Optimizer
{
    static readonly string[] withMomentum = ["momentum_buffer"];

    /// <param name="parameters">Float32 leaf tensors.</param>
    /// <param name="lr">The learning rate (required, as in PyTorch).</param>
    /// <param name="momentum">The momentum factor; 0 keeps no state.</param>
    /// <param name="dampening">How much of the new gradient the momentum buffer leaves out.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0 and zero dampening.</param>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov)
    {
    }

    /// <param name="groups">Parameter groups; an option a group leaves null takes the value given here.</param>
    /// <param name="lr">The learning rate (required, as in PyTorch).</param>
    /// <param name="momentum">The momentum factor; 0 keeps no state.</param>
    /// <param name="dampening">How much of the new gradient the momentum buffer leaves out.</param>
    /// <param name="weightDecay">The L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0 and zero dampening.</param>
    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false)
        : base(groups, new ParamGroup([], lr, weightDecay, momentum, dampening, nesterov))
    {
        foreach (var g in ParamGroups)
            Validate(g);
    }

    static void Validate(ParamGroup g)
    {
        double momentum = g.Momentum!.Value, dampening = g.Dampening!.Value, weightDecay = g.WeightDecay!.Value;
        if (!(momentum >= 0))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"invalid momentum value: {momentum}");
        if (!(weightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"invalid weight_decay value: {weightDecay}");
        if (g.Nesterov!.Value && (momentum <= 0 || dampening != 0))
            throw new ArgumentException(
                $"nesterov momentum requires a momentum > 0 and zero dampening (momentum={momentum}, dampening={dampening})", "nesterov");
    }

    protected override IReadOnlyList<string> StateNamesOf(ParamGroup group) => group.Momentum != 0 ? withMomentum : [];

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state, bool fresh)
    {
        double momentum = group.Momentum!.Value;
        var p = new SgdParams
        {
            Lr = (float)group.Lr!.Value,
            Momentum = (float)momentum,
            OneMinusDampening = (float)(1 - group.Dampening!.Value),
            WeightDecay = (float)group.WeightDecay!.Value,
            Nesterov = group.Nesterov!.Value ? 1 : 0,
            UseMomentum = momentum != 0 ? 1 : 0,
            First = fresh ? 1 : 0,
        };
        // Without momentum the buffer is never touched; the parameter's own view stands in for it.
        var buffer = momentum != 0 ? state.Tensors[0].F32 : param.F32;
        OptimizerKernels.Sgd(param.Device, param.F32, grad.F32, buffer, p);
    }
}
