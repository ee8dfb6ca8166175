namespace QSparse.Nn;

/// <summary>
/// What one forward of a model ran, recorded through forward hooks: every module call in the order it
/// began, with its path, input and output shapes, and the QSPARSE layers around it (see <see cref="ModuleCall"/>).
/// What FuseBn, verify-int and exporters read instead of hand-written layer tables.
/// NOTE: only module calls are seen: a functional op between them (x.Relu(), a residual add) is not, so a
/// network meant to be traced runs such steps as modules (ReLU, MaxPool2d, Flatten).
/// </summary>
public sealed class ModelTrace
{
    readonly Dictionary<Module, string> pathOf;

    ModelTrace(List<ModuleCall> calls, Dictionary<Module, string> pathOf)
    {
        Calls = calls;
        this.pathOf = pathOf;
    }

    /// <summary>Every module call, in the order the calls began (a container before its children).</summary>
    public IReadOnlyList<ModuleCall> Calls { get; }

    /// <summary>The calls of modules that compute by themselves (<see cref="ModuleCall.IsLayer"/>), in order.</summary>
    public IEnumerable<ModuleCall> Layers => Calls.Where(c => c.IsLayer);

    /// <summary>The path of <paramref name="module"/> in the traced model (for the QSPARSE layers of a call: "conv1.quantize").</summary>
    public string PathOf(Module module) =>
        pathOf.TryGetValue(module, out var path) ? path : throw new KeyNotFoundException($"{module.TypeName} is not part of the traced model");

    /// <summary>
    /// Runs <paramref name="model"/> once on <paramref name="input"/> through <see cref="Module.Call"/> (in its
    /// current mode: switch to evaluation first for a trace without training side effects) and records every
    /// call of it and its descendants. With <paramref name="keepOutputs"/> each call keeps a host copy of its output.
    /// </summary>
    public static ModelTrace Record(Module model, Tensor input, bool keepOutputs = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pathOf = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (path, m) in model.NamedModules())
            pathOf.TryAdd(m, path);
        var calls = new List<ModuleCall>();
        var running = new List<ModuleCall>();
        // The latest layer call that produced a tensor, and the layers whose output a tensor still is (through QSPARSE and pass-through layers).
        var producer = new Dictionary<Tensor, ModuleCall>(ReferenceEqualityComparer.Instance);
        var owners = new Dictionary<Tensor, List<ModuleCall>>(ReferenceEqualityComparer.Instance);
        var handles = new List<IDisposable>();
        void Begin(Module m, Tensor x)
        {
            var call = new ModuleCall(calls.Count, pathOf[m], m, running.LastOrDefault(), (int[])x.Shape.Clone(), producer.GetValueOrDefault(x));
            calls.Add(call);
            running.Add(call);
        }
        void End(Module m, Tensor x, Tensor y)
        {
            var call = running[^1];
            running.RemoveAt(running.Count - 1);
            call.OutputShape = (int[])y.Shape.Clone();
            if (keepOutputs)
                call.Output = HostTensor.From(y);
            if (!call.IsLayer)
                return;
            producer[y] = call;
            if (m is QSparseLayer layer)
            {
                var after = owners.GetValueOrDefault(x) ?? [];
                after.ForEach(o => o.AddOutputOperator(layer));
                owners[y] = after;
            }
            else
                owners[y] = ReferenceEquals(x, y) && owners.TryGetValue(x, out var before) ? [.. before, call] : [call];
        }
        try
        {
            foreach (var m in pathOf.Keys)
            {
                handles.Add(m.RegisterForwardPreHook(Begin));
                handles.Add(m.RegisterForwardHook(End));
            }
            model.Call(input);
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }
        return new ModelTrace(calls, pathOf);
    }

    /// <summary>One line per call, indented by depth, with the QSPARSE layers by path: "  conv2 Conv2d [...] -> [...] weight: conv2.prune, conv2.quantize".</summary>
    public override string ToString() => string.Join("\n", Calls.Select(c =>
    {
        var s = new string(' ', 2 * c.Depth) + c;
        foreach (var (label, layers) in new[] { ("weight", c.WeightOperators), ("bias", c.BiasOperators), ("output", c.OutputOperators) })
            if (layers.Count > 0)
                s += $" {label}: {string.Join(", ", layers.Select(PathOf))}";
        return s;
    }));
}
