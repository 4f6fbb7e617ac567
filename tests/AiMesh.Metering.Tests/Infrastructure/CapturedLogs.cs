using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>Every log line the host writes, at every level, with its exception text, for asserting what logs never hold.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Text)> _lines = new();

    public IReadOnlyList<(int EventId, string Text)> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " " + string.Join(' ', values.Select(v => $"{v.Key}={v.Value}"));
            }

            logs._lines.Enqueue((eventId.Id, exception is null ? text : $"{text} {exception}"));
        }
    }
}
