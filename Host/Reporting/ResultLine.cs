using System.Globalization;
using QSparse.Host.Training;

namespace QSparse.Host.Reporting;

/// <summary>The last line of <c>train</c> and <c>eval</c>, for scripts: <c>result: accuracy=0.8123 test_loss=0.5012 seconds=271.4</c>.</summary>
public static class ResultLine
{
    /// <summary>The line for <paramref name="evaluation"/> after <paramref name="seconds"/> of wall time (invariant culture).</summary>
    public static string Format(Evaluation evaluation, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"result: accuracy={evaluation.Accuracy:0.0000} test_loss={evaluation.Loss:0.0000} seconds={seconds:0.0}");
}
