using System.Globalization;
using QSparse.Host.Export;

namespace QSparse.Host.Reporting;

/// <summary>
/// What <c>export --thin</c> prints: one row per layer with its output and input channels, parameters and
/// multiply-accumulates for one input, before → after; the other constants; the totals; the initializers' and the
/// model's bytes; then a line per note (channels kept, and why). Plain text, so logs and tests read it.
/// </summary>
public static class ThinningTable
{
    /// <summary>The table's lines for <paramref name="report"/>.</summary>
    public static IReadOnlyList<string> Lines(ThinningReport report)
    {
        var rows = new List<string[]> { new[] { "layer", "out channels", "in channels", "parameters", "MACs (one input)" } };
        rows.AddRange(report.Layers.Select(l => new[] { l.Path, F(l.OutChannels), F(l.InChannels), F(l.Parameters), F(l.Macs) }));
        rows.Add(["other constants", "", "", F(report.OtherConstants), ""]);
        rows.Add(["total", "", "", F(report.Constants), F(report.Macs)]);
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var lines = rows.Select(r => string.Join("  ", r.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd()).ToList();
        lines.Add($"initializers {F(report.InitializerBytes)} bytes; model {F(report.ModelBytes)} bytes");
        lines.AddRange(report.Notes.Select(n => $"kept: {n}"));
        return lines;
    }

    static string F(Change c) => $"{N(c.Before)} → {N(c.After)}";

    static string N(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);
}
