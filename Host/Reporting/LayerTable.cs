using System.Globalization;
using Spectre.Console;

namespace QSparse.Host.Reporting;

/// <summary>The end-of-training table: one row per QSPARSE layer with its decimal bits and mask sparsity.</summary>
public static class LayerTable
{
    /// <summary>Prints the table of <paramref name="layers"/> (or a line saying there are none: a float network).</summary>
    public static void Print(IReadOnlyList<QsparseLayerState> layers)
    {
        if (layers.Count == 0)
        {
            Console.WriteLine("no quantized or pruned layers (full precision)");
            return;
        }
        var table = new Table().AddColumns("layer", "target", "decimal mean", "decimal min", "decimal max", "weight sparsity", "activation sparsity");
        foreach (var l in layers)
        {
            var d = l.Decimals;
            table.AddRow(l.Path, l.Target,
                d == null ? "-" : F(d.Average(v => (double)v), "0.###"), d == null ? "-" : F(d.Min(), "0"), d == null ? "-" : F(d.Max(), "0"),
                l.MaskSparsity is { } ws && l.Target != "activation" ? F(ws, "0.0000") : "-",
                l.MaskSparsity is { } a && l.Target == "activation" ? F(a, "0.0000") : "-");
        }
        // NOTE: redirected output gets a plain ASCII table, so logs and scripts read it without box-drawing characters.
        if (!ProgressLine.Interactive)
        {
            table.Border(TableBorder.Ascii);
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 120);
        }
        AnsiConsole.Write(table);
    }

    static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
