namespace QSparse.Nn;

/// <summary>How <see cref="LinearQuantizer"/> maps x·2^d to an integer code.</summary>
public enum Rounding
{
    /// <summary>Toward zero, as the reference (and C#'s (int) cast); the default.</summary>
    Truncate,

    /// <summary>To the nearest integer, halves to even (torch.round).</summary>
    Nearest,
}
