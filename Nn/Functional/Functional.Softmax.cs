using QSparse.Kernels;

namespace QSparse.Nn;

public static partial class Functional
{
    /// <summary>
    /// log(softmax(x)) along <paramref name="dim"/> (torch.nn.functional.log_softmax), any shape;
    /// computed as (x - max) - log(sum(exp(x - max))) so large logits do not overflow.
    /// Backward: gradIn = gradOut - exp(y)·sum(gradOut) along the dimension.
    /// </summary>
    public static Tensor LogSoftmax(Tensor input, int dim)
    {
        int d = ShapeUtil.NormalizeDim(dim, input.Rank);
        int size = input.Rank == 0 ? 1 : input.Shape[d];
        int inner = input.Shape.Skip(d + 1).Aggregate(1, (a, b) => a * b);
        var device = input.Device;
        var output = Tensor.Empty(device, input.Shape);
        SoftmaxKernels.LogSoftmaxForward(device, input.F32, output.F32, size, inner);
        return Autograd.Record(output, "LogSoftmax", [input], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            SoftmaxKernels.LogSoftmaxBackward(device, output.F32, g.F32, gradIn.F32, size, inner);
            return [gradIn];
        }, Saved.Result(output));
    }
}
