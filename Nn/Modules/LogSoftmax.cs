namespace QSparse.Nn;

/// <summary>log(softmax(x)) along <see cref="Dim"/> (torch.nn.LogSoftmax); output has the input's shape.</summary>
public sealed class LogSoftmax(int dim, Device? device = null) : Module(device)
{
    public int Dim { get; } = dim;

    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, Dim);

    public override string ExtraRepr() => $"dim={Dim}";
}
