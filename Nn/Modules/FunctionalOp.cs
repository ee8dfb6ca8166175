namespace QSparse.Nn;

/// <summary>
/// An op a <see cref="ModelTrace"/> saw run between module calls, in the Forward of a module that is not a
/// layer (a residual block's <c>a + b</c>, a <c>Tensor.Cat</c> of two branches, a <c>Reshape</c>): its
/// autograd name ("Add", "Cat", "Reshape", "Permute", "Mul", "Relu", ...), inputs and output. Ops inside a
/// layer's Forward (the convolution of a Conv2d) belong to that layer's call and are not recorded.
/// </summary>
public sealed class FunctionalOp : TraceStep
{
    internal FunctionalOp(string name, ModuleCall? parent, IReadOnlyList<TraceStep?> inputs, int[][] inputShapes, ModuleCall? after) : base(parent)
    {
        Name = name;
        Inputs = inputs;
        InputShapes = inputShapes;
        After = after;
    }

    /// <summary>The op's autograd name: "Add", "Sub", "Mul", "Cat", "Reshape", "Permute", "Relu", ...</summary>
    public string Name { get; }

    public override IReadOnlyList<TraceStep?> Inputs { get; }

    public IReadOnlyList<int[]> InputShapes { get; }

    /// <summary>The integer arguments its shapes do not determine: Permute's dimensions, Cat's dimension; empty for the others.</summary>
    public IReadOnlyList<int> Arguments { get; internal set; } = [];

    /// <summary>The latest layer call that ended before this op ran (null when none had), to say where the op is.</summary>
    public ModuleCall? After { get; }

    /// <summary>"op Add after 'block1.conv2'" ("after the model's input" when no layer ran before it).</summary>
    public override string Describe() => $"op {Name} after {(After == null ? "the model's input" : $"'{After.Path}'")}";

    public override string ToString() => $"{Describe()} {string.Join(" ", InputShapes.Select(ShapeUtil.Format))} -> {ShapeUtil.Format(OutputShape)}";
}
