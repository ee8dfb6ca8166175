using Microsoft.Extensions.Logging;

namespace QSparse.Nn;

/// <summary>
/// Library-wide options (QSPARSE's set_qsparse_options) and the logger every quantize and prune layer
/// writes to. The default logger prints each message alone on a line of the console, as the reference's
/// StreamHandler does: <c>[Prune @ conv.prune] [Step 210] active 0.72, pruned 0.28, window_size = 1</c>.
/// </summary>
public static class QSparseOptions
{
    /// <summary>Log each layer's configuration when it is created (default true).</summary>
    public static bool LogOnCreated { get; set; } = true;

    /// <summary>Log decimal searches and mask updates during training (default true).</summary>
    public static bool LogDuringTrain { get; set; } = true;

    /// <summary>Where the layers log; replace it to route messages into an application's logging.</summary>
    public static ILogger Logger { get; set; } = new ConsoleMessageLogger();

    /// <summary>Sets the options named (the others keep their values), like set_qsparse_options.</summary>
    public static void Set(bool? logOnCreated = null, bool? logDuringTrain = null)
    {
        LogOnCreated = logOnCreated ?? LogOnCreated;
        LogDuringTrain = logDuringTrain ?? LogDuringTrain;
    }
}
