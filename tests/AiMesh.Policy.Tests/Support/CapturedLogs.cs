using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AiMesh.Policy.Tests.Support;

/// <summary>Every log line of the host: formatted text, structured values, scopes and exception, for leak checks.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, string Line)> lines = new();

    public IReadOnlyCollection<(int EventId, string Line)> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner.lines.Enqueue((0, $"scope {category}: {Describe(state)}"));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.lines.Enqueue((eventId.Id, $"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} | {Describe(state)} | {exception}"));
        }

        private static string Describe(object? state) =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : $"{state}";
    }
}
