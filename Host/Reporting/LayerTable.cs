using System.Globalization;
using Spectre.Console;

namespace QSparse.Host.Reporting;

/// <summary>
/// The end-of-training table: one row per network layer (the input quantizer first) with its weight
/// quantizer's decimal bits (mean, min, max), weight sparsity, its output quantizer's decimal bits and
/// its activation mask's sparsity.
/// </summary>
public static class LayerTable
{
    /// <summary>
    /// Prints the table of <paramref name="layers"/> (or a line saying there are none: a float network).
    /// <paramref name="outputOf"/> maps each activation operator's path to the layer whose output it acts on
    /// ("q1" → "conv1"); an unmapped activation operator (the input quantizer) is a row of its own.
    /// </summary>
    public static void Print(IReadOnlyList<QsparseLayerState> layers, IReadOnlyDictionary<string, string> outputOf)
    {
        if (layers.Count == 0)
        {
            Console.WriteLine("no quantized or pruned layers (full precision)");
            return;
        }
        var table = new Table().AddColumns("layer", "weight decimal mean", "min", "max", "weight sparsity", "output decimal", "activation sparsity");
        var rows = layers.GroupBy(l => l.Target == "activation" ? outputOf.GetValueOrDefault(l.Path, l.Path) : l.Path[..l.Path.LastIndexOf('.')]).ToList();
        foreach (var row in rows)
        {
            var weights = row.FirstOrDefault(l => l.Target == "weight" && l.Decimals != null)?.Decimals;
            var output = row.FirstOrDefault(l => l.Target == "activation" && l.Decimals != null)?.Decimals;
            table.AddRow(row.Key,
                weights == null ? "-" : F(weights.Average(v => (double)v), "0.###"), weights == null ? "-" : F(weights.Min(), "0"),
                weights == null ? "-" : F(weights.Max(), "0"),
                Sparsity(row.FirstOrDefault(l => l.Target == "weight" && l.MaskSparsity != null)),
                output == null ? "-" : string.Join(" ", output.Distinct().Select(d => F(d, "0"))),
                Sparsity(row.FirstOrDefault(l => l.Target == "activation" && l.MaskSparsity != null)));
        }
        // NOTE: redirected output gets a plain ASCII table, so logs and scripts read it without box-drawing characters.
        if (!ProgressLine.Interactive)
        {
            table.Border(TableBorder.Ascii);
            // Wide enough for the longest layer path (pix2pix's U-Net nests them deep), so no row wraps.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, Math.Max(120, rows.Max(r => r.Key.Length) + 100));
        }
        AnsiConsole.Write(table);
    }

    static string Sparsity(QsparseLayerState? layer) => layer?.MaskSparsity is { } s ? F(s, "0.0000") : "-";

    static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
