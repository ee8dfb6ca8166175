using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// What the dropout modules share (torch.nn's _DropoutNd): the probability p, checked to lie in [0, 1), the
/// generator each training forward draws from (default <see cref="Defaults.Generator"/>, read at each
/// forward) and the printed form; in evaluation every dropout is the identity.
/// </summary>
public abstract class DropoutModule : Module
{
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="generator">The random stream; null for <see cref="Defaults.Generator"/>.</param>
    /// <param name="device">The module's device.</param>
    protected DropoutModule(double p, Generator? generator, Device? device) : base(device)
    {
        Functional.CheckDropoutProbability(p);
        P = p;
        Generator = generator;
    }

    /// <summary>The probability of zeroing an element (a channel for <see cref="Dropout2d"/>).</summary>
    public double P { get; }

    /// <summary>The random stream given at construction, or null for <see cref="Defaults.Generator"/>.</summary>
    protected Generator? Generator { get; }

    public override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace=False";
}

/// <summary>
/// Dropout (torch.nn.Dropout), any shape: in training zeroes each element with probability
/// <see cref="DropoutModule.P"/> and scales the rest by 1/(1 - p); in evaluation the identity.
/// </summary>
public sealed class Dropout(double p = 0.5, Generator? generator = null, Device? device = null) : DropoutModule(p, generator, device)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, Generator);
}

/// <summary>
/// Channel-wise dropout (torch.nn.Dropout2d) of [N, C, H, W] (or [N, C, L], as PyTorch 1.13 reads a 3-d
/// input): in training zeroes each whole channel with probability <see cref="DropoutModule.P"/> and scales
/// the rest by 1/(1 - p); in evaluation the identity.
/// </summary>
public sealed class Dropout2d(double p = 0.5, Generator? generator = null, Device? device = null) : DropoutModule(p, generator, device)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, P, Training, Generator);
}

public static partial class Functional
{
    /// <summary>
    /// Dropout (torch.nn.functional.dropout), any shape: in <paramref name="training"/> mode each element
    /// is zeroed with probability <paramref name="p"/> and the survivors scaled by 1/(1 - p), the mask drawn
    /// from <paramref name="generator"/> (default <see cref="Defaults.Generator"/>); otherwise the input itself.
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        CheckDropoutProbability(p);
        if (!training || p == 0)
            return input;
        return input.MaskedBy(DropoutMask(input.Device, input.Shape, p, generator), "Dropout");
    }

    /// <summary>
    /// Channel-wise dropout (torch.nn.functional.dropout2d) of [N, C, H, W] or [N, C, L]: in
    /// <paramref name="training"/> mode each (n, c) channel is zeroed with probability <paramref name="p"/> and
    /// the survivors scaled by 1/(1 - p), one draw per channel from <paramref name="generator"/> (default
    /// <see cref="Defaults.Generator"/>); otherwise the input itself.
    /// </summary>
    /// <remarks>NOTE: PyTorch 1.13 reads a 3-d input as [N, C, L] (channel-wise 1-d dropout), not as an unbatched [C, H, W].</remarks>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        CheckDropoutProbability(p);
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"dropout2d: expected [N, C, H, W] or [N, C, L], got {ShapeUtil.Format(input.Shape)}", nameof(input));
        if (!training || p == 0)
            return input;
        int[] channels = [input.Shape[0], input.Shape[1], .. Enumerable.Repeat(1, input.Rank - 2)];
        return input.MaskedBy(DropoutMask(input.Device, channels, p, generator), "Dropout2d");
    }

    /// <summary>A float mask of <paramref name="shape"/>: 0 with probability p, else 1/(1 - p); takes one draw per element.</summary>
    static Tensor DropoutMask(Device device, int[] shape, double p, Generator? generator)
    {
        var g = generator ?? Defaults.Generator;
        var mask = Tensor.Empty(device, shape);
        // NOTE: the scale is 1f/(1 - p) in float, as PyTorch divides its float mask by (1 - p).
        RandomKernels.Bernoulli(device, mask.F32, g.Seed, g.Take(mask.Numel), (float)(1 - p), 1f / (float)(1 - p));
        return mask;
    }

    /// <summary>Throws unless 0 ≤ p &lt; 1.</summary>
    internal static void CheckDropoutProbability(double p)
    {
        if (!(p >= 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability p must be in [0, 1)");
    }
}
