namespace QSparse.Nn;

/// <summary>
/// One node of a <see cref="ModelTrace"/>'s data-flow graph: a layer call (<see cref="ModuleCall"/>), a
/// functional op run between module calls (<see cref="FunctionalOp"/>), or the model's input
/// (<see cref="ModelInput"/>); each knows which earlier steps made its inputs.
/// </summary>
public abstract class TraceStep
{
    private protected TraceStep(ModuleCall? parent) => Parent = parent;

    /// <summary>The call this step ran inside (null for the model's own call and for the model's input).</summary>
    public ModuleCall? Parent { get; }

    /// <summary>
    /// The step that made each input, in order: a layer call, a functional op or the <see cref="ModelInput"/>;
    /// null for a tensor the trace did not see made (a new tensor, or one made outside autograd: Clone, To, Detach).
    /// </summary>
    public abstract IReadOnlyList<TraceStep?> Inputs { get; }

    public int[] OutputShape { get; internal set; } = [];

    /// <summary>A host copy of the output, when the trace was recorded with keepOutputs.</summary>
    public HostTensor? Output { get; internal set; }

    /// <summary>What ran, for messages: "Conv2d at 'conv1'", "op Add after 'block1.conv2'", "the model's input".</summary>
    public abstract string Describe();
}
