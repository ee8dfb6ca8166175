using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace QSparse.Host.Reporting;

/// <summary>
/// Training progress: a live bar with steps/s and the time left on a terminal, plain lines
/// (about 20 per run) when the output is redirected to a file or a pipe.
/// </summary>
public static class ProgressLine
{
    /// <summary>True when stdout is an interactive terminal that can redraw a bar.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs <paramref name="work"/>, which reports each completed step through the callback it is given
    /// (steps done so far, last loss), against a total of <paramref name="totalSteps"/> of which
    /// <paramref name="doneSteps"/> were done before (a resumed run).
    /// </summary>
    public static void Run(long doneSteps, long totalSteps, Action<Action<long, double>> work)
    {
        var clock = Stopwatch.StartNew();
        long first = doneSteps;
        string Rate(long step) => ((step - first) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)).ToString("0.00", CultureInfo.InvariantCulture);
        if (!Interactive)
        {
            long every = Math.Max(1, totalSteps / 20);
            work((step, loss) =>
            {
                if (step % every == 0 || step == totalSteps)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step {step}/{totalSteps} loss {loss:0.0000} {Rate(step)} steps/s eta {Eta(clock.Elapsed, step - first, totalSteps - step)}"));
            });
            return;
        }
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: totalSteps);
                task.Value = doneSteps;
                work((step, loss) =>
                {
                    task.Value = step;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"step {step}/{totalSteps} loss {loss:0.000} {Rate(step)} steps/s");
                });
            });
    }

    static string Eta(TimeSpan elapsed, long done, long left) =>
        done <= 0 ? "?" : TimeSpan.FromSeconds(elapsed.TotalSeconds / done * left).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
}
