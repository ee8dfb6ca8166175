namespace QSparse.Tests.Ops;

public static partial class HostRef
{
    /// <summary>
    /// Reduces the values of x sharing an index outside <paramref name="dims"/> with <paramref name="reduce"/>;
    /// the reduced dimensions are dropped, or kept as size 1 when <paramref name="keepDim"/>.
    /// </summary>
    public static HostArray Reduce(HostArray x, int[] dims, bool keepDim, Func<List<double>, double> reduce)
    {
        var reduced = Enumerable.Range(0, x.Rank).Select(i => dims.Contains(i)).ToArray();
        var kept = x.Shape.Select((n, i) => reduced[i] ? 1 : n).ToArray();
        var groups = Enumerable.Range(0, HostArray.Numel(kept)).Select(_ => new List<double>()).ToArray();
        var keptStrides = HostArray.Strides(kept);
        var index = new int[x.Rank];
        for (int flat = 0; flat < x.Data.Length; flat++)
        {
            HostArray.Unravel(flat, x.Shape, index);
            int group = 0;
            for (int i = 0; i < x.Rank; i++)
                group += reduced[i] ? 0 : index[i] * keptStrides[i];
            groups[group].Add(x.Data[flat]);
        }
        var shape = keepDim ? kept : x.Shape.Where((_, i) => !reduced[i]).ToArray();
        return new HostArray(shape, groups.Select(reduce).ToArray());
    }

    public static HostArray Sum(HostArray x, int[] dims, bool keepDim = false) => Reduce(x, dims, keepDim, v => v.Sum());

    public static HostArray Mean(HostArray x, int[] dims, bool keepDim = false) => Reduce(x, dims, keepDim, v => v.Average());

    public static HostArray Max(HostArray x, int[] dims, bool keepDim = false) => Reduce(x, dims, keepDim, v => v.Max());

    public static HostArray Min(HostArray x, int[] dims, bool keepDim = false) => Reduce(x, dims, keepDim, v => v.Min());

    /// <summary>All dimensions of <paramref name="x"/>.</summary>
    public static int[] All(HostArray x) => Enumerable.Range(0, x.Rank).ToArray();
}
