using System.Globalization;
using QSparse.Host.Reporting;
using QSparse.Host.Training;
using Spectre.Console;

namespace QSparse.Host.Benchmarks;

/// <summary><c>qsparse bench --profile</c>: where the seed network's steady training step spends its time, op by op.</summary>
public static class StepProfile
{
    /// <summary>
    /// Profiles <paramref name="steps"/> steady steps of each mode at batch 64 and prints one table per mode.
    /// As many unprofiled steps go first, so that .NET's tiered JIT has optimised the hot loops.
    /// </summary>
    public static void Run(Device device, int steps)
    {
        foreach (var mode in new[] { TrainMode.Float, TrainMode.QuantizePrune })
        {
            using var bench = new SeedStepBench(device, mode, 64);
            for (int i = 0; i < Math.Max(bench.WarmupSteps, steps); i++)
                bench.Step();
            device.Synchronize();
            IReadOnlyList<(string Op, TimeSpan Time, int Calls)> totals;
            using (var profiler = new OpProfiler())
            {
                for (int i = 0; i < steps; i++)
                    bench.Step();
                totals = profiler.Totals;
            }
            Print($"{bench.Workload} on {device}: time per step, {steps} steps profiled", totals, steps);
        }
    }

    static void Print(string title, IReadOnlyList<(string Op, TimeSpan Time, int Calls)> totals, int steps)
    {
        double all = totals.Sum(t => t.Time.TotalMilliseconds);
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) }.AddColumns("op", "ms", "share", "calls");
        foreach (var (op, time, calls) in totals)
            table.AddRow(Markup.Escape(op), Format(time.TotalMilliseconds / steps, "0.00"),
                Format(100 * time.TotalMilliseconds / all, "0.0") + " %", Format((double)calls / steps, "0.#"));
        table.AddRow("total", Format(all / steps, "0.0"), "100 %", "");
        if (!ProgressLine.Interactive)
            table.Border(TableBorder.Ascii);
        AnsiConsole.Write(table);
    }

    static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
