namespace QSparse.Nn;

/// <summary>
/// Base of the optimizers (torch.optim.Optimizer), one parameter group. <see cref="Step"/> updates
/// every parameter that has a gradient with one fused kernel; per-parameter state is created at its
/// first step, outside any <see cref="TensorScope"/>, and owned (and disposed) by the optimizer.
/// A learning-rate schedule drives <see cref="Lr"/> from the training loop, e.g. once per epoch:
/// <code>opt.Lr = sched.Lr; ...; sched.Step();</code>
/// </summary>
public abstract class Optimizer : IDisposable
{
    /// <summary>The name of the 0-d float32 step count in <see cref="StateNames"/>, as PyTorch saves it.</summary>
    protected const string StepName = "step";

    readonly Tensor[] parameters;
    readonly ParameterState?[] states;
    double lr;

    /// <param name="parameters">Float32 leaf tensors, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="lr">The learning rate, ≥ 0.</param>
    protected Optimizer(IEnumerable<Tensor> parameters, double lr)
    {
        this.parameters = parameters.ToArray();
        if (this.parameters.Length == 0)
            throw new ArgumentException("optimizer got an empty parameter list", nameof(parameters));
        for (int i = 0; i < this.parameters.Length; i++)
            if (this.parameters[i].DType != DType.Float32 || !this.parameters[i].IsLeaf)
                throw new ArgumentException($"parameter {i} is not a float32 leaf tensor and cannot be optimized", nameof(parameters));
        Lr = lr;
        states = new ParameterState?[this.parameters.Length];
    }

    /// <summary>The optimized tensors, in the order their state is numbered.</summary>
    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The learning rate used by the next <see cref="Step"/>; set it from an LR schedule.</summary>
    public double Lr
    {
        get => lr;
        set
        {
            if (!(value >= 0))
                throw new ArgumentOutOfRangeException("lr", value, $"invalid learning rate: {value}");
            lr = value;
        }
    }

    /// <summary>
    /// The state each parameter keeps, under PyTorch's names and in its order. NOTE: <see cref="StepName"/>
    /// is a 0-d float32 count; every other entry is float32 shaped like the parameter and starts at zero.
    /// </summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>One parameter's state: its tensors in <see cref="StateNames"/> order and its step count.</summary>
    protected sealed class ParameterState(Tensor[] tensors, long step)
    {
        /// <summary>The state tensors, in <see cref="StateNames"/> order.</summary>
        public Tensor[] Tensors { get; } = tensors;

        /// <summary>Updates taken, including the one in progress during <see cref="Update"/>.</summary>
        public long Step { get; set; } = step;
    }

    /// <summary>
    /// Updates <paramref name="param"/> and <paramref name="state"/> in place from <paramref name="grad"/>
    /// (same shape). <paramref name="fresh"/> is true on the first update after the state was created
    /// (not after it was loaded).
    /// </summary>
    protected abstract void Update(Tensor param, Tensor grad, ParameterState state, bool fresh);

    /// <summary>One update of every parameter that has a gradient; the others are skipped, as in PyTorch.</summary>
    public void Step()
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.Grad is not { } grad)
                continue;
            if (!grad.Shape.SequenceEqual(p.Shape))
                throw new InvalidOperationException(
                    $"parameter {i}: gradient of shape {ShapeUtil.Format(grad.Shape)} for a parameter of shape {ShapeUtil.Format(p.Shape)}");
            bool fresh = states[i] == null;
            var state = states[i] ??= new ParameterState(StateNames.Select(n => NewStateTensor(p, n)).ToArray(), 0);
            state.Step++;
            Update(p, grad, state, fresh);
        }
    }

    static Tensor NewStateTensor(Tensor param, string name) =>
        Tensor.Zeros(param.Device, name == StepName ? [] : param.Shape).DetachFromScope();

    /// <summary>Releases every parameter's gradient (PyTorch's set_to_none).</summary>
    public void ZeroGrad() => Tensor.ReleaseGrads(parameters);

    /// <summary>
    /// The state as named tensors, "state.{parameter index}.{name}" (e.g. "state.0.momentum_buffer"),
    /// for parameters that have state. The tensors are the optimizer's own: read them, do not dispose them.
    /// </summary>
    public List<KeyValuePair<string, Tensor>> StateDict()
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        for (int i = 0; i < states.Length; i++)
            if (states[i] is { } s)
                for (int k = 0; k < StateNames.Count; k++)
                    result.Add(KeyValuePair.Create(Key(i, StateNames[k]), s.Tensors[k]));
        return result;
    }

    static string Key(int index, string name) => $"state.{index}.{name}";

    /// <summary>
    /// Throws unless <paramref name="state"/> could be loaded: every key must be a known state entry of
    /// an existing parameter, a parameter's entries complete, and each float32 with the right shape.
    /// </summary>
    public void CheckStateDict(IReadOnlyDictionary<string, HostTensor> state)
    {
        var known = new HashSet<string>();
        for (int i = 0; i < parameters.Length; i++)
        {
            var keys = StateNames.Select(n => Key(i, n)).ToArray();
            known.UnionWith(keys);
            if (!keys.Any(state.ContainsKey))
                continue;
            for (int k = 0; k < keys.Length; k++)
            {
                if (!state.TryGetValue(keys[k], out var value))
                    throw new KeyNotFoundException($"optimizer state key '{keys[k]}' is missing");
                var shape = StateNames[k] == StepName ? [] : parameters[i].Shape;
                if (value.DType != DType.Float32 || !value.Shape.SequenceEqual(shape))
                    throw new InvalidDataException(
                        $"optimizer state key '{keys[k]}': checkpoint has {value.DType.TorchName()} {ShapeUtil.Format(value.Shape)}, the optimizer needs float32 {ShapeUtil.Format(shape)}");
            }
        }
        var unexpected = state.Keys.Where(k => !known.Contains(k)).ToList();
        if (unexpected.Count > 0)
            throw new KeyNotFoundException($"unexpected optimizer state keys [{string.Join(", ", unexpected)}]");
    }

    /// <summary>
    /// Replaces the whole state with <paramref name="state"/> (as written by <see cref="StateDict"/>);
    /// parameters without entries start afresh. Checked first (<see cref="CheckStateDict"/>), so a
    /// failed load changes nothing.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, HostTensor> state)
    {
        CheckStateDict(state);
        for (int i = 0; i < parameters.Length; i++)
        {
            DisposeState(i);
            var keys = StateNames.Select(n => Key(i, n)).ToArray();
            if (!keys.Any(state.ContainsKey))
                continue;
            var tensors = keys.Select(k => state[k].ToDevice(parameters[i].Device).DetachFromScope()).ToArray();
            int stepIndex = StateNames.ToList().IndexOf(StepName);
            long step = stepIndex >= 0 ? (long)state[keys[stepIndex]].AsFloats()[0] : 0;
            states[i] = new ParameterState(tensors, step);
        }
    }

    void DisposeState(int i)
    {
        foreach (var t in states[i]?.Tensors ?? [])
            t.Dispose();
        states[i] = null;
    }

    /// <summary>Releases the state tensors (not the parameters).</summary>
    public void Dispose()
    {
        for (int i = 0; i < states.Length; i++)
            DisposeState(i);
    }
}
