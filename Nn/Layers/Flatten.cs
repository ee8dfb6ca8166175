namespace QSparse.Nn;

/// <summary>Merges dimensions startDim..endDim (torch.nn.Flatten; defaults keep the batch dimension).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1, Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => Functional.Flatten(input, startDim, endDim);

    public override string ExtraRepr() => $"start_dim={startDim}, end_dim={endDim}";
}

public static partial class Functional
{
    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one (torch.flatten); a view.</summary>
    public static Tensor Flatten(Tensor input, int startDim = 0, int endDim = -1) => input.Flatten(startDim, endDim);
}
