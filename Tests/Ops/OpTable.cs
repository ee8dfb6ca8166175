namespace QSparse.Tests.Ops;

/// <summary>
/// The table of op cases: one row per op (and per shape or parameter edge case worth its own row),
/// grouped by family in the OpTable.*.cs files. A new op needs only its row here.
/// </summary>
public static partial class OpTable
{
    /// <summary>Every row, in table order.</summary>
    public static IReadOnlyList<OpCase> All { get; } =
    [
        .. Elementwise(), .. Binary(), .. Comparisons(), .. ShapeOps(), .. Reductions(), .. MatMuls(),
        .. Convolutions(), .. Pooling(), .. Normalization(), .. Dropouts(), .. Losses(), .. Qsparse(), .. Modules(), .. NativeEdges(),
        .. Resampling(), .. NativeLoops(),
    ];

    static readonly Dictionary<string, OpCase> byName = All.ToDictionary(c => c.Name);

    /// <summary>The row named <paramref name="name"/>.</summary>
    public static OpCase Get(string name) => byName[name];

    /// <summary>Test cases (the row's name, then <paramref name="extra"/>) for the rows <paramref name="where"/> selects; rows with a known bug are ignored with its reason.</summary>
    public static IEnumerable<TestCaseData> Cases(Func<OpCase, bool> where, params object[] extra) =>
        All.Where(where).Select(c =>
        {
            var data = new TestCaseData([c.Name, .. extra]);
            return c.Bug == null ? data : data.Ignore($"bug: {c.Bug}");
        });
}
