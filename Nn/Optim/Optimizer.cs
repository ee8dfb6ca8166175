namespace QSparse.Nn;

/// <summary>
/// Base of the optimizers (torch.optim.Optimizer) with PyTorch's parameter groups (<see cref="ParamGroup"/>).
/// <see cref="Step"/> updates every parameter that has a gradient with one fused kernel, with its group's
/// options; per-parameter state is created at its first step, outside any <see cref="TensorScope"/>, and
/// owned (and disposed) by the optimizer. Parameters are numbered across the groups in order, as PyTorch
/// numbers them in its state dict. A learning-rate schedule drives <see cref="Lr"/> (every group) or a
/// group's <see cref="ParamGroup.Lr"/> from the training loop, e.g. once per epoch:
/// <code>opt.Lr = sched.Lr; ...; sched.Step();</code>
/// </summary>
public abstract class Optimizer : IDisposable
{
    /// <summary>The name of the 0-d float32 step count in <see cref="StateNamesOf"/>, as PyTorch saves it.</summary>
    protected const string StepName = "step";

    readonly ParamGroup defaults;
    readonly List<Tensor> parameters = [];
    readonly List<int> groupOf = [];
    readonly List<ParamGroup> groups = [];
    readonly List<ParameterState?> states = [];

    /// <param name="groups">The parameter groups; each parameter (a float32 leaf tensor) in one group only.</param>
    /// <param name="defaults">The optimizer's options (its parameters unused), null where it has none.</param>
    protected Optimizer(IEnumerable<ParamGroup> groups, ParamGroup defaults)
    {
        this.defaults = defaults;
        foreach (var group in groups)
            AddParamGroup(group);
        if (parameters.Count == 0)
            throw new ArgumentException("optimizer got an empty parameter list", nameof(groups));
    }

    /// <summary>
    /// Adds <paramref name="group"/> (PyTorch's add_param_group): its options not set come from the optimizer's
    /// defaults, its parameters are numbered after the existing ones and get their state at their first step. How
    /// a training loop takes in parameters a rewrite created (the biases FuseBn gives bias-less layers).
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        var resolved = group.Resolve(defaults, groups.Count, GetType().Name);
        var known = new HashSet<Tensor>(parameters, ReferenceEqualityComparer.Instance);
        for (int k = 0; k < resolved.Params.Count; k++)
        {
            if (resolved.Params[k].DType != DType.Float32 || !resolved.Params[k].IsLeaf)
                throw new ArgumentException($"parameter {parameters.Count + k} is not a float32 leaf tensor and cannot be optimized", nameof(group));
            if (!known.Add(resolved.Params[k]))
                throw new ArgumentException("some parameters appear in more than one parameter group", nameof(group));
        }
        foreach (var p in resolved.Params)
        {
            parameters.Add(p);
            groupOf.Add(groups.Count);
            states.Add(null);
        }
        groups.Add(resolved);
    }

    /// <summary>The optimized tensors, in the order their state is numbered.</summary>
    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The resolved parameter groups (every option the optimizer uses set); their <see cref="ParamGroup.Lr"/> may be changed.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>
    /// The learning rate used by the next <see cref="Step"/>; setting it sets every group's. Reading it
    /// throws when the groups' rates differ (read <see cref="ParamGroups"/> then).
    /// </summary>
    public double Lr
    {
        get
        {
            var lr = groups[0].Lr!.Value;
            if (groups.Any(g => g.Lr != lr))
                throw new InvalidOperationException("the parameter groups have different learning rates: read ParamGroups[i].Lr");
            return lr;
        }
        set
        {
            if (!(value >= 0))
                throw new ArgumentOutOfRangeException("lr", value, $"invalid learning rate: {value}");
            foreach (var g in groups)
                g.Lr = value;
        }
    }

    /// <summary>
    /// The state each parameter of <paramref name="group"/> keeps, under PyTorch's names and in its order.
    /// NOTE: <see cref="StepName"/> is a 0-d float32 count; every other entry is float32 shaped like the
    /// parameter and starts at zero.
    /// </summary>
    protected abstract IReadOnlyList<string> StateNamesOf(ParamGroup group);

    IReadOnlyList<string> StateNames(int parameter) => StateNamesOf(groups[groupOf[parameter]]);

    /// <summary>One parameter's state: its tensors in <see cref="StateNamesOf"/> order and its step count.</summary>
    protected sealed class ParameterState(Tensor[] tensors, long step)
    {
        /// <summary>The state tensors, in <see cref="StateNamesOf"/> order.</summary>
        public Tensor[] Tensors { get; } = tensors;

        /// <summary>Updates taken, including the one in progress during <see cref="Update"/>.</summary>
        public long Step { get; set; } = step;
    }

    /// <summary>
    /// Updates <paramref name="param"/> and <paramref name="state"/> in place from <paramref name="grad"/>
    /// (same shape) with the options of <paramref name="group"/> (resolved: every option the optimizer
    /// uses is set). <paramref name="fresh"/> is true on the first update after the state was created
    /// (not after it was loaded).
    /// </summary>
    protected abstract void Update(ParamGroup group, Tensor param, Tensor grad, ParameterState state, bool fresh);

    /// <summary>One update of every parameter that has a gradient; the others are skipped, as in PyTorch.</summary>
    public void Step()
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p.Grad is not { } grad)
                continue;
            if (!grad.Shape.SequenceEqual(p.Shape))
                throw new InvalidOperationException(
                    $"parameter {i}: gradient of shape {ShapeUtil.Format(grad.Shape)} for a parameter of shape {ShapeUtil.Format(p.Shape)}");
            bool fresh = states[i] == null;
            var state = states[i] ??= new ParameterState(StateNames(i).Select(n => NewStateTensor(p, n)).ToArray(), 0);
            state.Step++;
            Update(groups[groupOf[i]], p, grad, state, fresh);
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
        for (int i = 0; i < states.Count; i++)
            if (states[i] is { } s)
                for (int k = 0; k < StateNames(i).Count; k++)
                    result.Add(KeyValuePair.Create(Key(i, StateNames(i)[k]), s.Tensors[k]));
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
        for (int i = 0; i < parameters.Count; i++)
        {
            var names = StateNames(i);
            var keys = names.Select(n => Key(i, n)).ToArray();
            known.UnionWith(keys);
            if (!keys.Any(state.ContainsKey))
                continue;
            for (int k = 0; k < keys.Length; k++)
            {
                if (!state.TryGetValue(keys[k], out var value))
                    throw new KeyNotFoundException($"optimizer state key '{keys[k]}' is missing");
                var shape = names[k] == StepName ? [] : parameters[i].Shape;
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
        for (int i = 0; i < parameters.Count; i++)
        {
            DisposeState(i);
            var names = StateNames(i);
            var keys = names.Select(n => Key(i, n)).ToArray();
            if (!keys.Any(state.ContainsKey))
                continue;
            var tensors = keys.Select(k => state[k].ToDevice(parameters[i].Device).DetachFromScope()).ToArray();
            int stepIndex = names.ToList().IndexOf(StepName);
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
        for (int i = 0; i < states.Count; i++)
            DisposeState(i);
    }
}
