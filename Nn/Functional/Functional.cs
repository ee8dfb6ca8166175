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

    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>
    /// Records <paramref name="backward"/> on <paramref name="output"/>; when nothing is recorded (no input
    /// requires gradients, or under NoGrad) the tensors kept only for backward are released at once.
    /// </summary>
    static Tensor RecordOrRelease(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward,
        params Tensor[] savedForBackward)
    {
        Autograd.Record(output, name, inputs, backward);
        if (output.GradFn == null)
            foreach (var t in savedForBackward)
                t.Dispose();
        return output;
    }
}
