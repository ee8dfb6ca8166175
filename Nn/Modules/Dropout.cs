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
