namespace QSparse.Nn;

/// <summary>
/// One recorded operation: its inputs and the rule that turns the gradient of its output into one
/// gradient per input (null where an input needs none).
/// </summary>
sealed class GradNode(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
{
    public string Name { get; } = name;
    public Tensor[] Inputs { get; } = inputs;
    public Func<Tensor, Tensor?[]> Backward { get; } = backward;
}
