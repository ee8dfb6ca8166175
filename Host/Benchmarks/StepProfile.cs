using System.Globalization;
using QSparse.Host.Reporting;
using QSparse.Host.Training;
using Spectre.Console;

namespace QSparse.Host.Benchmarks;

/// <summary><c>qsparse bench --profile</c>: where the seed network's (or the example networks') steady training step spends its time, op by op.</summary>
public static class StepProfile
{
    /// <summary>
    /// Profiles <paramref name="steps"/> steady steps of each mode at batch 64 and prints one table per mode; with
    /// <paramref name="networks"/>, of each example network (<see cref="ExampleNet"/>) in each mode instead.
    /// </summary>
    public static void Run(Device device, int steps, bool networks = false)
    {
        if (networks)
            foreach (var net in Enum.GetValues<ExampleNet>())
                foreach (var mode in ExampleStepWorkloads.Modes)
                {
                    using var bench = new ExampleStepBench(device, net, mode);
                    Profile(device, bench.Workload, bench.Step, bench.WarmupSteps, steps);
                }
        else
            foreach (var mode in new[] { TrainMode.Float, TrainMode.QuantizePrune })
            {
                using var bench = new SeedStepBench(device, mode, 64);
                Profile(device, bench.Workload, bench.Step, bench.WarmupSteps, steps);
            }
    }

    /// <summary>
    /// Profiles <paramref name="steps"/> runs of <paramref name="step"/> and prints the table. As many unprofiled
    /// steps go first (at least <paramref name="warmupSteps"/>), so that .NET's tiered JIT has optimised the hot loops.
    /// </summary>
    static void Profile(Device device, string workload, Action step, int warmupSteps, int steps)
    {
        for (int i = 0; i < Math.Max(warmupSteps, steps); i++)
            step();
        device.Synchronize();
        IReadOnlyList<(string Op, TimeSpan Time, int Calls)> totals;
        using (var profiler = new OpProfiler())
        {
            for (int i = 0; i < steps; i++)
                step();
            totals = profiler.Totals;
        }
        Print($"{workload} on {device}: time per step, {steps} steps profiled", totals, steps);
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
