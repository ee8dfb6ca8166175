namespace QSparse.Nn;

/// <summary>Merges dimensions startDim..endDim (torch.nn.Flatten; defaults keep the batch dimension).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1, Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Flatten(input, startDim, endDim);

    public override string ExtraRepr() => $"start_dim={startDim}, end_dim={endDim}";
}
