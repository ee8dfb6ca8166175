using System.CommandLine;
using System.Globalization;

namespace QSparse.Host.Commands;

/// <summary>
/// Range rules of numeric and path options, checked while the command line is parsed, so a value that would train to
/// NaN, divide by zero or silently do nothing is a one-line error naming the option before any work starts.
/// </summary>
static class OptionRules
{
    /// <summary>When given, the value must be at least <paramref name="min"/>.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int min)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } v && v < min)
                result.AddError($"{option.Name} {v}: expected an integer >= {min}");
        });
        return option;
    }

    /// <summary>When given, the value must be a finite number above 0.</summary>
    public static Option<double?> FinitePositive(this Option<double?> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } v && !(double.IsFinite(v) && v > 0))
                result.AddError($"{option.Name} {v.ToString(CultureInfo.InvariantCulture)}: expected a finite number > 0");
        });
        return option;
    }

    /// <summary>When given, the path must not be empty.</summary>
    public static Option<T> NonEmpty<T>(this Option<T> option) where T : class?
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.GetValueOrDefault<T>() is string { Length: 0 })
                result.AddError($"{option.Name} is empty: name a {(option.Name == "--data" ? "folder" : "file")}");
        });
        return option;
    }
}
