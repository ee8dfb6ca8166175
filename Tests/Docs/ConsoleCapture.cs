using QSparse.Nn;

namespace QSparse.Tests.Docs;

/// <summary>
/// Collects what a doc example prints (Console.WriteLine and the quantize/prune layers' console log) while
/// alive, and restores the console and the QSPARSE options after.
/// </summary>
public sealed class ConsoleCapture : IDisposable
{
    readonly TextWriter previous = Console.Out;
    readonly StringWriter writer = new();
    readonly bool logOnCreated = QSparseOptions.LogOnCreated, logDuringTrain = QSparseOptions.LogDuringTrain;
    int taken;

    /// <summary>Captures the console, with QSparseOptions.Set(logOnCreated: false) as the docs' setup does.</summary>
    public ConsoleCapture()
    {
        Console.SetOut(writer);
        QSparseOptions.LogOnCreated = false;
    }

    /// <summary>The lines printed since the last call.</summary>
    public string[] Take()
    {
        var all = writer.ToString().ReplaceLineEndings("\n");
        var lines = all[taken..].TrimEnd('\n').Split('\n');
        taken = all.Length;
        return lines;
    }

    public void Dispose()
    {
        Console.SetOut(previous);
        QSparseOptions.Set(logOnCreated, logDuringTrain);
    }
}
