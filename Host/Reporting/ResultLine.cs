using System.Globalization;
using QSparse.Host.Training.Tasks;

namespace QSparse.Host.Reporting;

/// <summary>
/// The last line of <c>train</c> and <c>eval</c>, for scripts: the task's metric, its baseline and the others, then the wall
/// time: <c>result: accuracy=0.8123 test_loss=0.5012 seconds=271.4</c>, <c>result: psnr=27.41 bilinear_psnr=25.10 test_loss=0.001234 seconds=312.5</c>.
/// </summary>
public static class ResultLine
{
    /// <summary>The line for <paramref name="metrics"/> after <paramref name="seconds"/> of wall time (invariant culture).</summary>
    public static string Format(TaskMetrics metrics, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"result: {metrics.KeyValues} seconds={seconds:0.0}");
}
