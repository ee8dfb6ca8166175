using QSparse.Kernels;

namespace QSparse.Nn;

public static partial class Functional
{
    /// <summary>
    /// Batch normalisation (torch.nn.functional.batch_norm) of <paramref name="input"/> [N, C], [N, C, L]
    /// or [N, C, H, W] per channel C: y = (x - mean)/sqrt(var + eps)·weight + bias, weight and bias [C]
    /// (ones and zeros when null). In <paramref name="training"/> mode the statistics are the batch mean
    /// and biased variance over every dimension but C, and <paramref name="runningMean"/> /
    /// <paramref name="runningVar"/> [C], when given, are updated in place:
    /// running = (1 - momentum)·running + momentum·stat, with the unbiased variance. Otherwise the running
    /// statistics normalise and the map is a plain affine one. Differentiable in input, weight and bias.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
        Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        if (input.Rank < 2)
            throw new ArgumentException($"batch_norm: input must be [N, C, ...], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        var device = input.Device;
        int n = input.Shape[0], c = input.Shape[1];
        var shape = new ChannelShape(n, c, n * c == 0 ? 0 : input.Numel / (n * c));
        foreach (var (t, name) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
            if (t != null && (t.Rank != 1 || t.Shape[0] != c))
                throw new ArgumentException(
                    $"batch_norm: {name} has shape {ShapeUtil.Format(t.Shape)}, expected [{c}] for input {ShapeUtil.Format(input.Shape)}");
        if ((runningMean == null) != (runningVar == null))
            throw new ArgumentException("batch_norm: give both running_mean and running_var, or neither");

        Tensor mean, var;
        var saved = new List<Saved> { Saved.Input("input", input) };
        if (training)
        {
            if (shape.PerChannel <= 1)
                throw new ArgumentException(
                    $"batch_norm: expected more than 1 value per channel when training, got input size {ShapeUtil.Format(input.Shape)}", nameof(input));
            mean = Tensor.Empty(device, [c]);
            var = Tensor.Empty(device, [c]);
            // Without running statistics the kernel is told not to update; it is handed the batch stats as stand-ins.
            BatchNormKernels.Stats(device, input.F32, mean.F32, var.F32, (runningMean ?? mean).F32,
                (runningVar ?? var).F32, shape, (float)momentum, runningMean != null);
            saved.AddRange([Saved.Intermediate("save_mean", mean), Saved.Intermediate("save_var", var)]);
        }
        else
        {
            // NOTE: backward reads the running statistics when it runs; as in PyTorch (which refuses),
            // they must not be updated by a training forward between this forward and its backward.
            mean = runningMean ?? throw new ArgumentException("batch_norm: running_mean and running_var are required when not training");
            var = runningVar!;
            saved.AddRange([Saved.Input("running_mean", mean), Saved.Input("running_var", var)]);
        }
        // Stand-ins for a missing weight and bias belong to the node, like the batch statistics; the backward
        // does not read the bias, whose stand-in is saved only to be released with the node.
        var w = weight ?? Tensor.Ones(device, [c]);
        var b = bias ?? Tensor.Zeros(device, [c]);
        saved.Add(new Saved("weight", w, Owned: weight == null));
        if (bias == null)
            saved.Add(Saved.Intermediate("bias", b));

        var output = Tensor.Empty(device, input.Shape);
        BatchNormKernels.Normalize(device, input.F32, mean.F32, var.F32, w.F32, b.F32, output.F32, shape, (float)eps);
        return Autograd.Record(output, "BatchNorm", [input, w, b], g =>
        {
            var gradIn = Tensor.Empty(device, input.Shape);
            var gradWeight = Tensor.Empty(device, [c]);
            var gradBias = Tensor.Empty(device, [c]);
            BatchNormKernels.Backward(device, input.F32, g.F32, mean.F32, var.F32, w.F32, gradWeight.F32, gradBias.F32,
                gradIn.F32, shape, (float)eps, training);
            return [gradIn, gradWeight, gradBias];
        }, [.. saved]);
    }
}
