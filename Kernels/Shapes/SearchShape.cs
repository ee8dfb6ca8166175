namespace QSparse.Kernels;

/// <summary>The decimal search's layout (<see cref="QuantizeKernels.SearchDecimal"/>): Segments channels of Length values each, Splits parts per channel.</summary>
public readonly struct SearchShape(int segments, int length, int splits, int lo, int candidates, int saturate)
{
    public readonly int Segments = segments, Length = length, Splits = splits, Lo = lo, Candidates = candidates;

    /// <summary>1 when each channel's values are clamped to its bounds first.</summary>
    public readonly int Saturate = saturate;
}
