using Microsoft.Extensions.Logging;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>Collects what the quantize and prune layers log, installed in place of the console logger while alive.</summary>
public sealed class CapturingLogger : ILogger, IDisposable
{
    readonly ILogger previous = QSparseOptions.Logger;
    readonly bool logOnCreated = QSparseOptions.LogOnCreated;

    public CapturingLogger(bool logOnCreated = false)
    {
        QSparseOptions.Logger = this;
        QSparseOptions.LogOnCreated = logOnCreated;
    }

    /// <summary>Information messages, in order.</summary>
    public List<string> Lines { get; } = [];

    /// <summary>Warning messages, in order.</summary>
    public List<string> Warnings { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter) =>
        (logLevel >= LogLevel.Warning ? Warnings : Lines).Add(formatter(state, exception));

    public void Dispose()
    {
        QSparseOptions.Logger = previous;
        QSparseOptions.LogOnCreated = logOnCreated;
    }
}
