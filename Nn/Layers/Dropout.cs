using QSparse.Kernels;

namespace QSparse.Nn;

/// <summary>
/// Dropout (torch.nn.Dropout), any shape: in training zeroes each element with probability
/// <see cref="P"/> and scales the rest by 1/(1 - p), drawing from the given generator (default
/// <see cref="Defaults.Generator"/>, read at each forward); in evaluation the identity.
/// </summary>
public sealed class Dropout : Module
{
    readonly Generator? generator;

    /// <param name="p">Drop probability in [0, 1).</param>
    public Dropout(double p = 0.5, Generator? generator = null, Device? device = null) : base(device)
    {
        Functional.CheckDropoutProbability(p);
        P = p;
        this.generator = generator;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, generator);

    public override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace=False";
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
        var g = generator ?? Defaults.Generator;
        var mask = Tensor.Empty(input.Device, input.Shape);
        // NOTE: the scale is 1f/(1 - p) in float, as PyTorch divides its float mask by (1 - p).
        RandomKernels.Bernoulli(input.Device, mask.F32, g.Seed, g.Take(input.Numel), (float)(1 - p), 1f / (float)(1 - p));
        return input.MaskedBy(mask, "Dropout");
    }

    /// <summary>Throws unless 0 ≤ p &lt; 1.</summary>
    internal static void CheckDropoutProbability(double p)
    {
        if (!(p >= 0 && p < 1))
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability p must be in [0, 1)");
    }
}
