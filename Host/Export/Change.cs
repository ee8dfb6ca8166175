namespace QSparse.Host.Export;

/// <summary>A count before and after thinning (<see cref="Thinning"/>).</summary>
public readonly record struct Change(long Before, long After)
{
    public static Change operator +(Change a, Change b) => new(a.Before + b.Before, a.After + b.After);
}
