namespace QSparse.Nn;

/// <summary>
/// The functional forms of the layers (torch.nn.functional). Modules hold parameters and
/// configuration and call these; each is differentiable.
/// </summary>
public static partial class Functional
{
    /// <summary>x·Wᵀ + b for x of shape [..., in], W [out, in], b [out].</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (input.Shape[^1] != weight.Shape[1])
            throw new ArgumentException(
                $"linear: input {ShapeUtil.Format(input.Shape)} does not end in in_features = {weight.Shape[1]}", nameof(input));
        var x = input.Rank == 2 ? input : input.Reshape(-1, input.Shape[^1]);
        var y = Tensor.MatMul(x, weight, false, true);
        if (bias != null)
            y = y.Add(bias);
        return input.Rank == 2 ? y : y.Reshape([.. input.Shape[..^1], weight.Shape[0]]);
    }

    /// <summary>max(x, 0) element-wise (torch.nn.functional.relu), any shape.</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one (torch.flatten); a view.</summary>
    public static Tensor Flatten(Tensor input, int startDim = 0, int endDim = -1) => input.Flatten(startDim, endDim);
}
