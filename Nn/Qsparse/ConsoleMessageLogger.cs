using Microsoft.Extensions.Logging;

namespace QSparse.Nn;

/// <summary>Writes each message, and nothing else, as one line on standard output (information and above).</summary>
sealed class ConsoleMessageLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
            Console.Out.WriteLine(formatter(state, exception));
    }
}
