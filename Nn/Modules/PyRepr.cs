using System.Globalization;

namespace QSparse.Nn;

/// <summary>Python's spelling of values in module reprs, so printed models match PyTorch's.</summary>
static class PyRepr
{
    /// <summary>Python's repr of a float: shortest round trip, "0.1", "2.0", "1e-05".</summary>
    public static string Float(double value)
    {
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E'))
            return s.Replace("E", "e");
        return s.Contains('.') || s.Contains("Infinity") || s == "NaN" ? s : s + ".0";
    }

    public static string Bool(bool value) => value ? "True" : "False";
}
