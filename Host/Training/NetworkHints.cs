namespace QSparse.Host.Training;

/// <summary>
/// What the command line says about a state dict that records no configuration (no "extra.config.*" entries, as one
/// PyTorch wrote): <c>--model</c> where no key names the network, and the schedule, which no key shows.
/// </summary>
/// <param name="Model">--model: the network, when its keys are not enough to tell.</param>
/// <param name="Order">--order (default quantize-first).</param>
/// <param name="Window">--window (default 8).</param>
/// <param name="StepsPerEpoch">--steps-per-epoch, E (default 120, the quickstart's).</param>
public sealed record NetworkHints(ModelKind? Model = null, QsparseOrder? Order = null, int? Window = null, int? StepsPerEpoch = null)
{
    /// <summary>No flag given.</summary>
    public static readonly NetworkHints None = new();

    /// <summary>The flags given, spelled as on the command line (for the error that says they are not needed).</summary>
    public IEnumerable<string> Given() =>
        new[] { Model != null ? "--model" : null, Order != null ? "--order" : null, Window != null ? "--window" : null, StepsPerEpoch != null ? "--steps-per-epoch" : null }
            .OfType<string>();
}
