namespace QSparse.Nn;

/// <summary>
/// One module call of a <see cref="ModelTrace"/>: which module ran where, on what shapes, and the QSPARSE
/// layers around it (those transforming its weight and bias, and those applied after its output). A layer call
/// (<see cref="IsLayer"/>) is a step of the trace's data-flow graph, reading the output of <see cref="Source"/>.
/// </summary>
public sealed class ModuleCall : TraceStep
{
    readonly List<QSparseLayer> outputOperators = [];

    internal ModuleCall(int index, string path, Module module, ModuleCall? parent, int[] inputShape, TraceStep? source) : base(parent)
    {
        Index = index;
        Path = path;
        Module = module;
        InputShape = inputShape;
        Source = source;
        IsParameterTransform = parent != null && parent.Module.IsParameterTransform(module);
        IsLayer = !IsParameterTransform && module.NamedChildren().All(c => module.IsParameterTransform(c.Module));
        WeightOperators = module.ParameterTransforms("weight").OfType<QSparseLayer>().ToList();
        BiasOperators = module.ParameterTransforms("bias").OfType<QSparseLayer>().ToList();
    }

    /// <summary>Position in <see cref="ModelTrace.Calls"/> (the order the calls began).</summary>
    public int Index { get; }

    /// <summary>The module's path in the traced model ("" for the model itself), as <see cref="Module.NamedModules"/> names it.</summary>
    public string Path { get; }

    public Module Module { get; }

    /// <summary>Nesting depth: 0 for the model's own call.</summary>
    public int Depth => Parent == null ? 0 : Parent.Depth + 1;

    public int[] InputShape { get; }

    /// <summary>True when this call applies one of <see cref="TraceStep.Parent"/>'s parameter transforms (a weight quantizer).</summary>
    public bool IsParameterTransform { get; }

    /// <summary>True when the module computes by itself: it has no children other than its parameter transforms, and is not one.</summary>
    public bool IsLayer { get; }

    /// <summary>The QSPARSE layers applied to the module's "weight", in order (Q(P(w)): prune, then quantize).</summary>
    public IReadOnlyList<QSparseLayer> WeightOperators { get; }

    /// <summary>The QSPARSE layers applied to the module's "bias".</summary>
    public IReadOnlyList<QSparseLayer> BiasOperators { get; }

    /// <summary>
    /// For a layer: the activation QSPARSE layers applied to its output, in order: those whose input is its
    /// output, directly, through pass-through layers (Identity, Dropout in evaluation) or through earlier ones.
    /// </summary>
    public IReadOnlyList<QSparseLayer> OutputOperators => outputOperators;

    /// <summary>The latest layer call whose output is this call's input; null for the model's input or a tensor made by a functional op.</summary>
    public ModuleCall? InputFrom => Source as ModuleCall;

    /// <summary>
    /// The step that made this call's input: the latest layer call or functional op whose output it is, or the
    /// <see cref="ModelInput"/>; null for a tensor the trace did not see made.
    /// </summary>
    public TraceStep? Source { get; }

    /// <summary>[<see cref="Source"/>].</summary>
    public override IReadOnlyList<TraceStep?> Inputs => [Source];

    /// <summary>"Conv2d at 'conv1'" ("at the model" for the model's own call).</summary>
    public override string Describe() => $"{Module.TypeName} at {(Path.Length == 0 ? "the model" : $"'{Path}'")}";

    internal void AddOutputOperator(QSparseLayer layer) => outputOperators.Add(layer);

    /// <summary>"conv1 Conv2d [4, 1, 28, 28] -> [4, 32, 26, 26]" (<see cref="ModelTrace.ToString"/> adds the QSPARSE layers).</summary>
    public override string ToString() =>
        $"{(Path.Length == 0 ? "(model)" : Path)} {Module.TypeName} {ShapeUtil.Format(InputShape)} -> {ShapeUtil.Format(OutputShape)}";
}
