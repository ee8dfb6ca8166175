namespace QSparse.Nn;

/// <summary>
/// A user-defined differentiable function (torch.autograd.Function), a front end to
/// <see cref="Autograd.Record"/>: <see cref="Forward"/> computes the output from the inputs (graph recording
/// is off inside it) and saves in the context what the backward reads; <see cref="Backward"/> returns one
/// gradient per input, null where there is none. Tensors the forward makes and saves are owned by the
/// graph (released after the backward, or with the output); those it makes and neither returns nor saves
/// are released when it returns. QSPARSE's straight-through quantizer is one.
/// </summary>
public abstract class Function
{
    /// <summary>The output; <paramref name="inputs"/> as given to <see cref="Apply"/>.</summary>
    protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>One gradient per input, each of that input's shape, or null.</summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOut);

    /// <summary>Runs <see cref="Forward"/> and records <see cref="Backward"/> when an input requires gradients.</summary>
    public Tensor Apply(params Tensor[] inputs)
    {
        var ctx = new FunctionContext();
        Tensor output;
        Saved[] saved;
        using (var scope = new TensorScope())
        {
            // NOTE: an observer sees the function as one op, not the ops its forward runs.
            using (Autograd.NoGrad())
            using (Autograd.Unobserved())
                output = Forward(ctx, inputs);
            // An input returned as it is gets a view of its own, so the graph never loops back on it.
            if (Array.Exists(inputs, t => ReferenceEquals(t, output)))
                output = output.Detach();
            scope.MoveToOuter(output);
            saved = ctx.SavedTensors.Select((t, i) => ReferenceEquals(t, output) ? Saved.Result(t)
                : scope.Disown(t) ? Saved.Intermediate($"saved_tensors[{i}]", t)
                : Saved.Input($"saved_tensors[{i}]", t)).ToArray();
        }
        return Autograd.Record(output, GetType().Name, inputs, g => Backward(ctx, g), saved);
    }
}

/// <summary>What a <see cref="Function"/> keeps between its forward and backward passes.</summary>
public sealed class FunctionContext
{
    /// <summary>The tensors given to <see cref="SaveForBackward"/>, in order.</summary>
    public IReadOnlyList<Tensor> SavedTensors { get; private set; } = [];

    /// <summary>Declares the tensors the backward reads (inputs, the output or tensors the forward made).</summary>
    public void SaveForBackward(params Tensor[] tensors) => SavedTensors = tensors;

    /// <summary>Any other values the backward rule needs (scalars, shapes); not tensors, which go through <see cref="SaveForBackward"/>.</summary>
    public Dictionary<string, object> Values { get; } = new();
}
