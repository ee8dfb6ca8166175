using System.Text;

namespace QSparse.Nn;

/// <summary>
/// Base of all layers (torch.nn.Module): named parameters, buffers and children in registration
/// order, train/eval mode, a PyTorch-style printed tree and a state dict with PyTorch's key names.
/// Run a module with <see cref="Call"/> (hooks and rewrite checks, see Module.Call.cs); rewrite it with
/// <see cref="ReplaceChild"/> or <see cref="SetSubmodule"/> (see Module.Rewrite.cs).
/// </summary>
public abstract partial class Module
{
    readonly List<string> parameterNames = [];
    readonly List<string> bufferNames = [];
    readonly Dictionary<string, Tensor?> slots = new();
    readonly List<(string Name, Module Module)> children = [];
    readonly Dictionary<string, TransformChain> parameterTransforms = new();

    protected Module(Device? device = null) => Device = device ?? Defaults.Device;

    public Device Device { get; }

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>
    /// The computation, on the caller's tensors. Call a child with <see cref="Call"/>, not with Forward:
    /// only Call runs the hooks and the checks that make a rewrite's stale references fail loudly.
    /// </summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>PyTorch's class name, printed in the tree and in error messages.</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>The configuration printed inside the parentheses, e.g. <c>1, 32, kernel_size=(3, 3)</c>.</summary>
    public virtual string ExtraRepr() => "";

    // ---- registration ----

    /// <summary>Registers (or replaces) a parameter: a float leaf that requires gradients and outlives every scope.</summary>
    protected Tensor? RegisterParameter(string name, Tensor? value)
    {
        if (value != null)
            value.DetachFromScope().RequiresGrad = true;
        if (!slots.ContainsKey(name))
            parameterNames.Add(name);
        slots[name] = value;
        return value;
    }

    /// <summary>Registers (or replaces) a buffer: state saved in the state dict but not trained.</summary>
    protected Tensor? RegisterBuffer(string name, Tensor? value)
    {
        value?.DetachFromScope();
        if (!slots.ContainsKey(name))
            bufferNames.Add(name);
        slots[name] = value;
        return value;
    }

    /// <summary>
    /// Registers <paramref name="module"/> as child <paramref name="name"/> and returns it (assign it to the field
    /// Forward calls). Registering an existing name replaces that child as <see cref="ReplaceChild"/> does.
    /// </summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (Child(name) != null)
            ReplaceChild(name, module);
        else
            children.Add((name, module));
        return module;
    }

    /// <summary>The tensor registered under <paramref name="name"/> (parameter or buffer).</summary>
    protected Tensor? Slot(string name) => slots[name];

    /// <summary>The raw (untransformed) parameter <paramref name="name"/>, or null when unset or absent.</summary>
    internal Tensor? RawParameter(string name) => parameterNames.Contains(name) ? slots[name] : null;

    /// <summary>Sets parameter <paramref name="name"/> from outside the module (network rewriters such as fuse_bn).</summary>
    internal void SetParameter(string name, Tensor value) => RegisterParameter(name, value);

    /// <summary>True when this module has a parameter called <paramref name="name"/> (set, not null).</summary>
    public bool HasParameter(string name) => parameterNames.Contains(name) && slots[name] != null;

    /// <summary>
    /// Registers <paramref name="transform"/> as child <paramref name="childName"/> and appends it to the
    /// chain applied to parameter <paramref name="parameter"/> by <see cref="Effective"/>: after
    /// <c>AddParameterTransform("weight", "prune", p)</c> then <c>("weight", "quantize", q)</c> the layer
    /// computes with q(p(weight)) while the raw parameter keeps full precision and receives the gradients.
    /// </summary>
    public void AddParameterTransform(string parameter, string childName, Module transform)
    {
        if (!HasParameter(parameter))
            throw new ArgumentException($"{TypeName} has no parameter '{parameter}' to transform", nameof(parameter));
        if (Child(childName) != null)
            throw new ArgumentException($"{TypeName} already has a child '{childName}': a second transform under that name would run unseen by the state dict", nameof(childName));
        RegisterModule(childName, transform);
        if (!parameterTransforms.TryGetValue(parameter, out var chain))
            parameterTransforms[parameter] = chain = new TransformChain();
        chain.Modules.Add(transform);
    }

    /// <summary>True when <paramref name="module"/> is one of this module's parameter transforms.</summary>
    internal bool IsParameterTransform(Module module) =>
        parameterTransforms.Values.Any(c => c.Modules.Exists(m => ReferenceEquals(m, module)));

    /// <summary>The transforms applied to parameter <paramref name="parameter"/> by <see cref="Effective"/>, in order (empty when none).</summary>
    public IReadOnlyList<Module> ParameterTransforms(string parameter) =>
        parameterTransforms.TryGetValue(parameter, out var chain) ? chain.Modules : [];

    /// <summary>
    /// Parameter <paramref name="name"/> passed through its transforms in registration order (the raw
    /// parameter when it has none), or null when the parameter is unset: what a Forward computes with.
    /// NOTE: each call runs the transforms (through <see cref="Call"/>), which in training mode advance their
    /// step counters: call it once per forward of this module, inside Forward only. <see cref="Call"/> checks
    /// that a Forward read every transformed parameter this way (else the transform would silently not run).
    /// </summary>
    protected Tensor? Effective(string name)
    {
        ThrowIfRetired();
        var value = slots[name];
        if (parameterTransforms.TryGetValue(name, out var chain))
        {
            chain.LastRead = calls;
            if (value != null)
                foreach (var transform in chain.Modules)
                    value = transform.Invoke(this, value);
        }
        return value;
    }

    /// <summary>A parameter's transforms and the <see cref="calls"/> count of the forward that last applied them.</summary>
    sealed class TransformChain
    {
        public List<Module> Modules { get; } = [];
        public long LastRead { get; set; } = -1;
    }

    // ---- traversal ----

    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>This module and every descendant, depth first, with dotted paths ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedModules(prefix.Length == 0 ? name : $"{prefix}.{name}"))
                yield return item;
    }

    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters() =>
        NamedModules().SelectMany(m => m.Module.parameterNames
            .Where(n => m.Module.slots[n] != null)
            .Select(n => (Join(m.Name, n), m.Module.slots[n]!)));

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers() =>
        NamedModules().SelectMany(m => m.Module.bufferNames
            .Where(n => m.Module.slots[n] != null)
            .Select(n => (Join(m.Name, n), m.Module.slots[n]!)));

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    // ---- modes and gradients ----

    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules())
            m.Training = mode;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Releases every parameter's gradient (PyTorch's set_to_none).</summary>
    public void ZeroGrad() => Tensor.ReleaseGrads(Parameters());

    // ---- state dict ----

    /// <summary>
    /// Every parameter and buffer under its PyTorch key (module path joined with '.'), each module's
    /// own parameters then buffers, then its children in registration order.
    /// </summary>
    public List<KeyValuePair<string, Tensor>> StateDict()
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        foreach (var (path, m) in NamedModules())
        {
            foreach (var n in m.parameterNames.Concat(m.bufferNames))
                if (m.slots[n] is { } t)
                    result.Add(KeyValuePair.Create(Join(path, n), t));
        }
        return result;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into the model. A missing or unexpected key (when
    /// <paramref name="strict"/>), a dtype or a shape mismatch is an error naming the key; a module
    /// may adopt a shape instead (see <see cref="AdoptShape"/>). Returns the missing and unexpected keys
    /// (empty after a strict load), as PyTorch's load_state_dict does; with strict false the keys both
    /// sides have are still loaded.
    /// </summary>
    public IncompatibleKeys LoadStateDict(IReadOnlyDictionary<string, HostTensor> state, bool strict = true)
    {
        var own = new Dictionary<string, (Module Owner, string Slot)>();
        foreach (var (path, m) in NamedModules())
            foreach (var n in m.parameterNames.Concat(m.bufferNames))
                if (m.slots[n] != null)
                    own[Join(path, n)] = (m, n);
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new KeyNotFoundException(
                $"state dict does not match the model: missing keys [{string.Join(", ", missing)}], unexpected keys [{string.Join(", ", unexpected)}]");
        foreach (var (path, m) in NamedModules())
        {
            var incoming = m.slots.Keys.Where(n => state.ContainsKey(Join(path, n))).ToDictionary(n => n, n => state[Join(path, n)]);
            if (incoming.Count > 0 && m.InvalidState(incoming) is (var slot, var problem))
                throw new InvalidDataException($"state dict key '{Join(path, slot)}': {problem}");
        }
        // NOTE: mismatches are settled (adopted or refused) before any value is copied, so a refused
        // key leaves the model untouched, unless a module adopted an earlier key's shape.
        var matching = new List<(Tensor Current, HostTensor Value)>();
        foreach (var (key, (owner, slot)) in own)
        {
            if (!state.TryGetValue(key, out var value))
                continue;
            var current = owner.slots[slot]!;
            if (current.Shape.SequenceEqual(value.Shape) && current.DType == value.DType)
                matching.Add((current, value));
            else if (!owner.AdoptShape(slot, value))
                throw new InvalidDataException(
                    $"state dict key '{key}': checkpoint has {value.DType.TorchName()} {ShapeUtil.Format(value.Shape)}, the model has {current.DType.TorchName()} {ShapeUtil.Format(current.Shape)}");
        }
        foreach (var (current, value) in matching)
        {
            using var incoming = value.ToDevice(current.Device);
            current.CopyFrom(incoming);
        }
        foreach (var (_, m) in NamedModules())
            m.OnStateLoaded();
        return new IncompatibleKeys(missing, unexpected);
    }

    /// <summary>
    /// Called on every module after <see cref="LoadStateDict"/> has copied or adopted its values, for a
    /// module that mirrors part of its state on the host (QSPARSE's step counters) to re-read it.
    /// </summary>
    protected virtual void OnStateLoaded()
    {
    }

    /// <summary>
    /// Lets a module refuse the values a state dict would load into it (<paramref name="incoming"/>, by slot name) before
    /// anything is copied, when they break what the module's state must be (a counter's range, a dtype, a mask of 0/1):
    /// returns the slot and what is wrong, or null to accept.
    /// </summary>
    protected virtual (string Slot, string Problem)? InvalidState(IReadOnlyDictionary<string, HostTensor> incoming) => null;

    /// <summary>
    /// Lets a module take a checkpoint value of another shape for <paramref name="slot"/> (lazily
    /// shaped state such as QSPARSE's placeholders). Returns false to refuse, which is an error.
    /// </summary>
    protected virtual bool AdoptShape(string slot, HostTensor value) => false;

    /// <summary>Replaces a slot's tensor with a checkpoint value of a new shape (for <see cref="AdoptShape"/>).</summary>
    protected void ReplaceSlot(string slot, HostTensor value)
    {
        var old = slots[slot];
        var t = value.ToDevice(Device);
        if (parameterNames.Contains(slot))
            RegisterParameter(slot, t);
        else
            RegisterBuffer(slot, t);
        old?.Dispose();
    }

    // ---- printing ----

    /// <summary>The module tree as PyTorch prints it.</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        if (children.Count == 0)
            return $"{TypeName}({extra})";
        var sb = new StringBuilder($"{TypeName}(\n");
        if (extra.Length > 0)
            sb.Append("  ").Append(extra.Replace("\n", "\n  ")).Append('\n');
        foreach (var (name, child) in children)
            sb.Append($"  ({name}): ").Append(child.ToString().Replace("\n", "\n  ")).Append('\n');
        return sb.Append(')').ToString();
    }
}
