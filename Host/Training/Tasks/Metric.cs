using System.Globalization;

namespace QSparse.Host.Training.Tasks;

/// <summary>One number a task measures on the test set.</summary>
/// <param name="Key">Its name in the <c>result:</c> line ("accuracy", "bilinear_psnr").</param>
/// <param name="Value">The measurement.</param>
/// <param name="Format">How it is printed ("0.0000", "0.00").</param>
public sealed record Metric(string Key, double Value, string Format)
{
    /// <summary>The value printed with <see cref="Format"/> (invariant culture).</summary>
    public string Text => Value.ToString(Format, CultureInfo.InvariantCulture);
}
