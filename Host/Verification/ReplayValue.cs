namespace QSparse.Host.Verification;

/// <summary>What the integer replay holds for one step's output: integers with a decimal, or why it has none.</summary>
abstract record ReplayValue;

/// <summary>
/// Integers t standing for t·2^-<paramref name="Decimal"/>, exactly the float pipeline's values. Quantized: the
/// output of an activation quantizer (else a layer's accumulation, or what ops made of one). <paramref name="Exact"/>:
/// what exact integer arithmetic gives where float32 rounded (<paramref name="Rounding"/> says where); null when
/// the same as <paramref name="Data"/>.
/// </summary>
sealed record IntegerValue(long[] Data, int[] Shape, int Decimal, bool Quantized, long[]? Exact = null, string? Rounding = null) : ReplayValue
{
    /// <summary>What the ops that made these values did worth reporting (alignments); the next layer's or quantizer's check lists them.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The same function applied to the values and to the exact values.</summary>
    public IntegerValue Map(Func<long[], long[]> f, int[]? shape = null, int? decimals = null) =>
        this with { Data = f(Data), Exact = Exact == null ? null : f(Exact), Shape = shape ?? Shape, Decimal = decimals ?? Decimal };

    /// <summary>The values at <paramref name="finer"/> (≥ Decimal) decimals: shifted left, exactly.</summary>
    public IntegerValue AlignTo(int finer) => finer == Decimal ? this : Map(d => d.Select(v => v << (finer - Decimal)).ToArray(), decimals: finer);
}

/// <summary>Why the values are not integers: <paramref name="What"/> names them ("the model's float input"), <paramref name="Why"/> is the error to report.</summary>
sealed record FloatValue(FloatKind Kind, string What, string Why, TraceStep? Origin = null) : ReplayValue;

/// <summary>Where float values come from, which decides what may read them.</summary>
enum FloatKind
{
    /// <summary>The model's input: an input quantizer brings it into integers.</summary>
    Input,

    /// <summary>An unfolded BatchNorm: the quantizer after it restarts the replay from the float pipeline's output.</summary>
    BatchNorm,

    /// <summary>An op that cannot be replayed, on a layer's unquantized output: the float head (log-softmax, a generator's tanh), allowed as the model's output.</summary>
    Head,

    /// <summary>An op that cannot be replayed, elsewhere: an error when anything needs it.</summary>
    Error,
}
