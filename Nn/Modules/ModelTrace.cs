namespace QSparse.Nn;

/// <summary>
/// What one forward of a model ran, recorded through forward hooks and the autograd op hook: every module
/// call in the order it began, with its path, input and output shapes, and the QSPARSE layers around it (see
/// <see cref="ModuleCall"/>), and every op run functionally between module calls (a residual block's
/// <c>a + b</c>, a <c>Tensor.Cat</c>, a <c>Reshape</c>: see <see cref="FunctionalOp"/>), under
/// <see cref="Autograd.NoGrad"/> too. The layer calls and the functional ops form a data-flow graph
/// (<see cref="Steps"/>, each step knowing which earlier steps made its inputs). What FuseBn, verify-int and
/// exporters read instead of hand-written layer tables.
/// </summary>
public sealed class ModelTrace
{
    readonly Dictionary<Module, string> pathOf;

    ModelTrace(List<ModuleCall> calls, List<TraceStep> steps, ModelInput input, TraceStep? outputFrom, Dictionary<Module, string> pathOf)
    {
        Calls = calls;
        Steps = steps;
        Input = input;
        OutputFrom = outputFrom;
        this.pathOf = pathOf;
    }

    /// <summary>Every module call, in the order the calls began (a container before its children).</summary>
    public IReadOnlyList<ModuleCall> Calls { get; }

    /// <summary>
    /// The data-flow graph in the order its steps ran (every step after those that made its inputs): the layer
    /// calls (<see cref="ModuleCall.IsLayer"/>) and the <see cref="FunctionalOp"/>s. Containers are not steps:
    /// they hand their children's tensors on.
    /// </summary>
    public IReadOnlyList<TraceStep> Steps { get; }

    /// <summary>The model's input: the source of the steps that read it.</summary>
    public ModelInput Input { get; }

    /// <summary>The step that made the model's output (null when the trace did not see it made).</summary>
    public TraceStep? OutputFrom { get; }

    /// <summary>The steps that read the output of <paramref name="step"/>, in order.</summary>
    public IEnumerable<TraceStep> ReadersOf(TraceStep step) => Steps.Where(s => s.Inputs.Contains(step));

    /// <summary>The calls of modules that compute by themselves (<see cref="ModuleCall.IsLayer"/>), in order.</summary>
    public IEnumerable<ModuleCall> Layers => Calls.Where(c => c.IsLayer);

    /// <summary>The path of <paramref name="module"/> in the traced model (for the QSPARSE layers of a call: "conv1.quantize").</summary>
    public string PathOf(Module module) =>
        pathOf.TryGetValue(module, out var path) ? path : throw new KeyNotFoundException($"{module.TypeName} is not part of the traced model");

    /// <summary>
    /// Runs <paramref name="model"/> once on <paramref name="input"/> through <see cref="Module.Call"/> (in its
    /// current mode: switch to evaluation first for a trace without training side effects) and records every
    /// call of it and its descendants, and the ops run between them. With <paramref name="keepOutputs"/> each
    /// step keeps a host copy of its output.
    /// </summary>
    public static ModelTrace Record(Module model, Tensor input, bool keepOutputs = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pathOf = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (path, m) in model.NamedModules())
            pathOf.TryAdd(m, path);
        var calls = new List<ModuleCall>();
        var steps = new List<TraceStep>();
        var running = new List<ModuleCall>();
        var modelInput = new ModelInput((int[])input.Shape.Clone()) { Output = keepOutputs ? HostTensor.From(input) : null };
        // The latest step that made a tensor, and the layers whose output a tensor still is (through QSPARSE and pass-through layers).
        var producer = new Dictionary<Tensor, TraceStep>(ReferenceEqualityComparer.Instance) { [input] = modelInput };
        var owners = new Dictionary<Tensor, List<ModuleCall>>(ReferenceEqualityComparer.Instance);
        var handles = new List<IDisposable>();
        ModuleCall? lastLayer = null;
        void Begin(Module m, Tensor x)
        {
            var call = new ModuleCall(calls.Count, pathOf[m], m, running.LastOrDefault(), (int[])x.Shape.Clone(), producer.GetValueOrDefault(x));
            calls.Add(call);
            running.Add(call);
            if (call.IsLayer)
                steps.Add(call);
        }
        void Op(FunctionalOp op, Tensor y)
        {
            op.OutputShape = (int[])y.Shape.Clone();
            if (keepOutputs)
                op.Output = HostTensor.From(y);
            steps.Add(op);
            producer[y] = op;
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
            lastLayer = call;
            if (m is QSparseLayer layer)
            {
                var after = owners.GetValueOrDefault(x) ?? [];
                after.ForEach(o => o.AddOutputOperator(layer));
                owners[y] = after;
            }
            else
                owners[y] = ReferenceEquals(x, y) && owners.TryGetValue(x, out var before) ? [.. before, call] : [call];
        }
        // An op belongs to the trace when it runs in the Forward of a module that is not a layer (a layer's own ops are its call).
        var observer = new OpObserver((name, inputs, y) =>
        {
            if (running.Count == 0 || running[^1].IsLayer || running[^1].IsParameterTransform)
                return null;
            var op = new FunctionalOp(name, running[^1], inputs.Select(t => producer.GetValueOrDefault(t)).ToArray(),
                inputs.Select(t => (int[])t.Shape.Clone()).ToArray(), lastLayer);
            Op(op, y);
            return op;
        });
        Tensor output;
        try
        {
            foreach (var m in pathOf.Keys)
            {
                handles.Add(m.RegisterForwardPreHook(Begin));
                handles.Add(m.RegisterForwardHook(End));
            }
            using (Autograd.Observe(observer))
                output = model.Call(input);
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }
        return new ModelTrace(calls, steps, modelInput, producer.GetValueOrDefault(output), pathOf);
    }

    /// <summary>Hands each observed op to a recorder (which returns the step it made, or null), and later arguments to that step.</summary>
    sealed class OpObserver(Func<string, Tensor[], Tensor, FunctionalOp?> record) : IOpObserver
    {
        FunctionalOp? last;
        Tensor? lastOutput;

        public void Op(string name, Tensor[] inputs, Tensor output)
        {
            last = record(name, inputs, output);
            lastOutput = output;
        }

        public void Arguments(Tensor output, int[] arguments)
        {
            if (last != null && ReferenceEquals(output, lastOutput))
                last.Arguments = arguments;
        }
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
