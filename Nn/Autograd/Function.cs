namespace QSparse.Nn;

/// <summary>
/// A user-defined differentiable function (torch.autograd.Function): <see cref="Forward"/> computes
/// the output from the inputs (graph recording is off inside it) and may save tensors in the
/// context; <see cref="Backward"/> returns one gradient per input, null where there is none.
/// QSPARSE's straight-through quantizer is one.
/// </summary>
public abstract class Function
{
    protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

    protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOut);

    public Tensor Apply(params Tensor[] inputs)
    {
        var ctx = new FunctionContext();
        Tensor output;
        using (Autograd.NoGrad())
            output = Forward(ctx, inputs);
        return Autograd.Record(output, GetType().Name, inputs, g => Backward(ctx, g));
    }
}

/// <summary>What a <see cref="Function"/> keeps between its forward and backward passes.</summary>
public sealed class FunctionContext
{
    public IReadOnlyList<Tensor> SavedTensors { get; private set; } = [];

    public void SaveForBackward(params Tensor[] tensors) => SavedTensors = tensors;

    /// <summary>Any other values the backward rule needs (scalars, shapes).</summary>
    public Dictionary<string, object> Values { get; } = new();
}
