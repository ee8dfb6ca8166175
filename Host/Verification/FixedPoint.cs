namespace QSparse.Host.Verification;

/// <summary>Integer helpers of the replay: values are integers t standing for t·2^-d.</summary>
static class FixedPoint
{
    /// <summary>t / 2^s truncated toward zero (s ≥ 0), or t·2^-s (s &lt; 0): the requantizing shift.</summary>
    public static long TruncShift(long t, int s) => s >= 0 ? t / (1L << s) : t << -s;

    /// <summary>
    /// t rounded to 24 significant bits, half to even: what float32 does to t·2^-d (for any d in float's
    /// normal range). NOTE: the float pipeline adds the bias in float32; when the bias has finer decimals
    /// than the accumulator that sum needs more than 24 bits, so the replay rounds exactly where float32 does.
    /// </summary>
    public static long RoundToFloat(long t)
    {
        long magnitude = Math.Abs(t);
        int shift = 64 - (int)long.LeadingZeroCount(magnitude) - 24;
        if (shift <= 0)
            return t;
        long kept = magnitude >> shift, rest = magnitude & ((1L << shift) - 1), half = 1L << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) == 1))
            kept++;
        return Math.Sign(t) * (kept << shift);
    }

    /// <summary>Clamps to the signed range of <paramref name="bits"/> bits.</summary>
    public static long Clamp(long v, int bits) => Math.Clamp(v, -(1L << (bits - 1)), (1L << (bits - 1)) - 1);

    /// <summary>The integer of a float that holds k·2^-d exactly (quantized values; the check of that is the comparison itself).</summary>
    public static long ToInt(float v, int d) => (long)Math.Round(Math.ScaleB(v, d));
}
