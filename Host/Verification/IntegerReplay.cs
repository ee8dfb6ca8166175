namespace QSparse.Host.Verification;

/// <summary>
/// Replays a quantized network (SPEC.md §9) in integer arithmetic on the host, from the state dict, and compares
/// it step by step with the float pipeline in evaluation mode. What runs, in which order, reading which earlier
/// outputs, with which QSPARSE layers around it, is read from a <see cref="ModelTrace"/> of one forward (its
/// data-flow graph: layer calls and the functional ops between them); the values (weights, decimals, masks)
/// from the state dict. Every value is integers t standing for t·2^-d with one decimal d:
/// <list type="bullet">
/// <item>Conv2d and ConvTranspose2d (any stride, padding, dilation, output padding, groups, rectangular) and Linear on [N, in]: int8 weights
/// (truncated, clamped, masked as the quantizers do); products aligned to the accumulator's decimal d_in + max d_w
/// (channel-wise weight decimals shift left by max d_w − d_w[c]); bias (bias_bits at its own decimals) and
/// accumulator aligned by shifting to the finer of the two, rounded where float32 rounds that sum;</item>
/// <item>activation quantizers: requantization by a shift of (decimal − d_out) truncated toward zero, clamped;
/// activation pruners: their masks;</item>
/// <item>residual adds and subtractions (<c>a + b</c> between modules): both operands aligned to the finer decimal
/// by exact left shifts and added, as an integer engine adds; float32 rounds a sum of more than 24 significant bits,
/// and the replay rounds where it does; the quantizer after the add gives the output decimal;</item>
/// <item>concatenations (<c>Tensor.Cat</c>): operands aligned to the finest decimal;</item>
/// <item>ReLU, ReLU6 and Hardtanh (integer bounds), LeakyReLU with a power-of-two slope, max-pooling, average
/// pooling whose windows hold 2^m values (the sums at m more decimals), flattening, reshapes, permutes,
/// PixelShuffle and PixelUnshuffle, Dropout and Identity.</item>
/// </list>
/// With an unfolded BatchNorm between a layer and its output quantizer only the layer's accumulation is checked,
/// and the replay restarts from the float pipeline's quantized output. Anything else (Tanh, Sigmoid, a LeakyReLU
/// of slope 0.2, a functional Mul, an operand that is not integers) has no integer form: on a
/// layer's unquantized output it is the float head (log-softmax on logits, a generator's tanh), not replayed;
/// where integers are needed after it, or elsewhere, it is an error naming the module or op and why.
/// </summary>
public static class IntegerReplay
{
    /// <summary>
    /// Runs <paramref name="net"/> (whose state is <paramref name="state"/>) on <paramref name="images"/> in
    /// evaluation mode and replays it in integers; one <see cref="LayerCheck"/> for the input quantizer, one per
    /// Conv2d, ConvTranspose2d or Linear layer (its accumulation, and its output quantizer when one follows it directly), and one
    /// per quantizer that follows no layer directly (after an add or a ReLU), named by module path (qin, conv1,
    /// conv2, fc1, fc2 for the seed network), in the order they ran.
    /// </summary>
    public static List<LayerCheck> Run(Module net, IReadOnlyDictionary<string, HostTensor> state, Tensor images) =>
        new GraphReplay(Record(net, images), state).Run();

    /// <summary>One forward of <paramref name="net"/> in evaluation mode, without gradients, every step's output kept.</summary>
    internal static ModelTrace Record(Module net, Tensor images)
    {
        net.Eval();
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        return ModelTrace.Record(net, images, keepOutputs: true);
    }
}
