using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// QSPARSE's linear quantizer: Q(x, N, d) = clamp(trunc(x·2^d), -2^(N-1), 2^(N-1) - 1)·2^-d with one d
/// per channel, a straight-through gradient clipped to the representable range, and the search for
/// the d minimising the squared quantization error.
/// </summary>
/// <param name="rounding">How codes are rounded.</param>
/// <param name="approxQuantileBound">
/// Null (the default): the saturation quantiles are exact. Else the reference's approximation
/// (<see cref="Statistics.ApproxQuantileRows"/>, <see cref="Statistics.ReferenceQuantileBound"/> in the reference):
/// a channel of more elements is cut into chunks of this many and their quantiles averaged, which gives the
/// reference's decimals on huge activations; identical to exact at or below the bound.
/// </param>
public sealed class LinearQuantizer(Rounding rounding = Rounding.Truncate, int? approxQuantileBound = null) : IQuantizeCallback
{
    /// <summary>How codes are rounded; the search uses the same rule.</summary>
    public Rounding Rounding { get; } = rounding;

    /// <summary>Null for exact saturation quantiles; else the chunk size of the reference's approximation.</summary>
    public int? ApproxQuantileBound { get; } = approxQuantileBound is null or >= 1 ? approxQuantileBound
        : throw new ArgumentOutOfRangeException(nameof(approxQuantileBound), approxQuantileBound, "approxQuantileBound must be at least 1");

    /// <summary>
    /// Q(input): input of any shape; decimals float32 [C] with C = input.Shape[channelIndex], or [1] when
    /// channelIndex &lt; 0. Output of input's shape; the gradient w.r.t. input is clamp(gradOut,
    /// -2^(N-1)·2^-d, (2^(N-1)-1)·2^-d) with each element's channel's d, none w.r.t. decimals.
    /// </summary>
    public Tensor Quantize(Tensor input, int bits, Tensor decimals, int channelIndex)
    {
        ValidateBits(bits);
        var shape = ChannelView(input.Shape, channelIndex);
        if (decimals.Numel != shape.Channels)
            throw new ArgumentException(
                $"decimals has {decimals.Numel} values for {shape.Channels} channel(s) of input {ShapeUtil.Format(input.Shape)} along channelIndex {channelIndex}",
                nameof(decimals));
        return new QuantizeFunction(Params(bits), shape).Apply(input, decimals);
    }

    /// <summary>
    /// The decimal bits per channel: window tensors share their size along channelIndex (any other
    /// sizes); returns float32 [C] (or [1] when channelIndex &lt; 0) holding integers in [lo, hi).
    /// </summary>
    public Tensor SearchDecimal(IReadOnlyList<Tensor> window, int bits, int channelIndex, (int Lo, int Hi) decimalRange,
        (double Lower, double Upper) saturateRange)
    {
        ValidateBits(bits);
        if (window.Count == 0)
            throw new ArgumentException("the window holds no tensors", nameof(window));
        // 2^d and 2^-d must both be normal floats.
        if (decimalRange.Lo >= decimalRange.Hi || decimalRange.Lo < -126 || decimalRange.Hi > 127)
            throw new ArgumentException(
                $"decimalRange ({decimalRange.Lo}, {decimalRange.Hi}) must satisfy -126 <= lo < hi <= 127", nameof(decimalRange));
        var (ql, qu) = saturateRange;
        if (!(0 <= ql && ql <= qu && qu <= 1))
            throw new ArgumentException($"saturateRange ({ql}, {qu}) must satisfy 0 <= lower <= upper <= 1", nameof(saturateRange));

        var shapes = window.Select(t => ChannelView(t.Shape, channelIndex)).ToArray();
        int channels = shapes[0].Channels;
        if (shapes.Any(s => s.Channels != channels))
            throw new ArgumentException(
                $"window tensors differ in size along channelIndex {channelIndex}: {string.Join(", ", window.Select(t => ShapeUtil.Format(t.Shape)))}",
                nameof(window));
        var device = window[0].Device;
        int length = shapes.Sum(s => s.PerChannel);
        using var scope = new TensorScope();
        var rows = ChannelRows(window, shapes, channels, length);
        Tensor? bounds = (ql, qu) == (0, 1) ? null
            : ApproxQuantileBound is { } bound ? Statistics.ApproxQuantileRows(rows, [ql, qu], bound)
            : Statistics.QuantileRows(rows, [ql, qu]);
        var decimals = Tensor.Empty(device, [channels]);
        QuantizeKernels.SearchDecimal(device, rows.F32, channels, length, bounds?.F32, decimalRange.Lo, decimalRange.Hi,
            Params(bits), decimals.F32);
        return scope.MoveToOuter(decimals);
    }

    /// <summary>The window's values as channel-major rows [C, length]; no copy for one tensor already in that order.</summary>
    static Tensor ChannelRows(IReadOnlyList<Tensor> window, ChannelShape[] shapes, int channels, int length)
    {
        if (window.Count == 1 && shapes[0].Batch == 1)
            return window[0].Detach().Reshape(channels, length);
        var rows = Tensor.Empty(window[0].Device, [channels, length]);
        for (int i = 0, offset = 0; i < window.Count; offset += shapes[i].PerChannel, i++)
            QuantizeKernels.GatherChannels(rows.Device, window[i].F32, rows.F32, shapes[i], length, offset);
        return rows;
    }

    QuantizeParams Params(int bits) => new(bits, Rounding == Rounding.Nearest);

    static void ValidateBits(int bits)
    {
        if (bits < 2 || bits > 31)
            throw new ArgumentException($"bits {bits} is outside 2..31", nameof(bits));
    }

    /// <summary>The shape seen as [outer, C, inner] around channelIndex; the whole tensor is one channel when channelIndex &lt; 0.</summary>
    static ChannelShape ChannelView(int[] shape, int channelIndex)
    {
        if (channelIndex >= shape.Length)
            throw new ArgumentException(
                $"channelIndex {channelIndex} is not a dimension of a tensor of shape {ShapeUtil.Format(shape)}", nameof(channelIndex));
        if (channelIndex < 0)
            return new ChannelShape(1, 1, ShapeUtil.Numel(shape));
        return new ChannelShape(shape[..channelIndex].Aggregate(1, (a, b) => a * b), shape[channelIndex],
            shape[(channelIndex + 1)..].Aggregate(1, (a, b) => a * b));
    }

    /// <summary>Q as a differentiable function of (input, decimals); the decimals get no gradient.</summary>
    sealed class QuantizeFunction(QuantizeParams q, ChannelShape shape) : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var (x, decimals) = (inputs[0], inputs[1]);
            var y = Tensor.Empty(x.Device, x.Shape);
            QuantizeKernels.Forward(x.Device, x.F32, decimals.F32, y.F32, shape, q);
            ctx.SaveForBackward(decimals);
            return y;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOut)
        {
            var decimals = ctx.SavedTensors[0];
            var gradIn = Tensor.Empty(gradOut.Device, gradOut.Shape);
            QuantizeKernels.Backward(gradOut.Device, gradOut.F32, decimals.F32, gradIn.F32, shape, q);
            return [gradIn, null];
        }
    }
}
