using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using QSparse.Host.Reporting;
using Spectre.Console;

namespace QSparse.Host.Benchmarks;

/// <summary>
/// The rows of one <c>qsparse bench</c> run with the device and machine they ran on: printed as a table and
/// written as JSON in the layout of Perf/reference/torch_bench.py (workload, mode, seconds = best, gflops), so
/// the two files compare row by row. Each rate stands beside the device's peak (<see cref="DevicePeak"/>).
/// </summary>
public sealed class BenchReport(string device, BenchOptions options, DevicePeak peak)
{
    readonly List<BenchResult> results = [];

    /// <summary>The rows so far.</summary>
    public IReadOnlyList<BenchResult> Results => results;

    /// <summary>Adds a row.</summary>
    public void Add(BenchResult result) => results.Add(result);

    /// <summary>Prints the table, its title naming the device.</summary>
    public void Print()
    {
        var table = new Table { Title = new TableTitle(Markup.Escape($"qsparse bench on {device} (best and mean of {options.Repeats} after warm-up)")) }
            .AddColumns("workload", "best", "mean", "rate", "note");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Workload), Time(r.BestSeconds), Time(r.MeanSeconds), Rate(r), Markup.Escape(r.Error ?? r.Note ?? ""));
        // NOTE: redirected output gets a plain ASCII table, so logs and scripts read it without box-drawing characters.
        if (!ProgressLine.Interactive)
        {
            table.Border(TableBorder.Ascii);
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        }
        AnsiConsole.Write(table);
    }

    /// <summary>Writes the rows as JSON to <paramref name="path"/> (whole, replacing the file).</summary>
    public void WriteJson(string path)
    {
        var document = new
        {
            implementation = $"qsparse-gpu {typeof(BenchReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}",
            device,
            date = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            machine = new
            {
                os = RuntimeInformation.OSDescription,
                cpu = CpuModel(),
                processors = Environment.ProcessorCount,
                runtime = RuntimeInformation.FrameworkDescription,
            },
            options = new { repeats = options.Repeats, quick = options.Quick, full = options.Full },
            peak = new { fp32_gflops = peak.Flops / 1e9, memory_gbps = peak.Bytes / 1e9, source = peak.Source },
            results = results.Select(r => new
            {
                workload = r.Workload,
                mode = "fp32",
                seconds = Finite(r.BestSeconds),
                mean_seconds = Finite(r.MeanSeconds),
                repeats = r.Repeats,
                gflops = r.Gflops is { } g && double.IsFinite(g) ? g : (double?)null,
                gbps = r.Gbps is { } b && double.IsFinite(b) ? b : (double?)null,
                fraction_of_peak = FractionOfPeak(r),
                note = r.Note,
                error = r.Error,
            }),
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null)
            Directory.CreateDirectory(folder);
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    /// <summary>One line for a finished row, for the progress log.</summary>
    public string Line(BenchResult r) =>
        $"{r.Workload}: {(r.Error != null ? r.Error : $"best {Time(r.BestSeconds)}, mean {Time(r.MeanSeconds)} {Rate(r)}")}";

    // The CPU accelerator's name says nothing of the processor; Linux's /proc/cpuinfo does.
    static string? CpuModel() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    static string Time(double seconds) => double.IsNaN(seconds)
        ? "-"
        : seconds >= 1 ? F(seconds, "0.000") + " s" : F(seconds * 1e3, seconds >= 0.01 ? "0.0" : "0.000") + " ms";

    string Rate(BenchResult r)
    {
        string rate = r.Gflops is { } g && double.IsFinite(g) ? F(g, "0.0") + " GFLOP/s"
            : r.Gbps is { } b && double.IsFinite(b) ? F(b, "0.00") + " GB/s"
            : "";
        return FractionOfPeak(r) is { } fraction ? $"{rate} ({F(100 * fraction, "0.0")}% of peak)" : rate;
    }

    /// <summary>The row's rate over the device's peak of the same kind (FLOP/s, else bytes/s), or null.</summary>
    double? FractionOfPeak(BenchResult r)
    {
        double? fraction = r.Gflops is { } g ? g * 1e9 / peak.Flops : r.Gbps is { } b ? b * 1e9 / peak.Bytes : null;
        return fraction is { } f && double.IsFinite(f) ? f : null;
    }

    static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
