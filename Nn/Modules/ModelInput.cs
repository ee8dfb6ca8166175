namespace QSparse.Nn;

/// <summary>The tensor a <see cref="ModelTrace"/> ran the model on: the source of the steps that read it.</summary>
public sealed class ModelInput : TraceStep
{
    internal ModelInput(int[] shape) : base(null) => OutputShape = shape;

    /// <summary>None: the input comes from outside the model.</summary>
    public override IReadOnlyList<TraceStep?> Inputs => [];

    /// <summary>"the model's input".</summary>
    public override string Describe() => "the model's input";
}
