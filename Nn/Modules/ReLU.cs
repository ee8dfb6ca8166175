namespace QSparse.Nn;

/// <summary>max(x, 0) (torch.nn.ReLU).</summary>
public sealed class ReLU(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Relu(input);
}
