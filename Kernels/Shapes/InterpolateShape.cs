namespace QSparse.Kernels;

/// <summary>Layout of a quantile computation (<see cref="SelectionKernels.Interpolate"/>): per row, Ranks selected keys and Fractions outputs.</summary>
public readonly struct InterpolateShape(int segments, int ranks, int fractions, int nanCheck)
{
    public readonly int Segments = segments, Ranks = ranks, Fractions = fractions;

    /// <summary>Index of the row maximum's rank (NaN there makes every output NaN), or -1 for none.</summary>
    public readonly int NanCheck = nanCheck;
}
