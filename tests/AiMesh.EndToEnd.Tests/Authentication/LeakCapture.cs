using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MassTransit;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// Everything a mesh wrote where a credential must never be: every log line (any level, with its structured values,
/// scopes and exception), every bus message as sent and as the consumer received it (body bytes and headers), and
/// every trace span (tags, events, baggage).
/// </summary>
[ProviderAlias("Capture")]
public sealed class LeakCapture : ILoggerProvider, ISupportExternalScope, ISendObserver, IPublishObserver, IConsumeObserver
{
    private readonly ConcurrentQueue<string> logs = new();
    private readonly ConcurrentQueue<string> messages = new();
    private readonly ConcurrentQueue<string> spans = new();
    private readonly ActivityListener listener;
    private IExternalScopeProvider? scopes;

    public LeakCapture()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue(Describe(activity)),
        };
        ActivitySource.AddActivityListener(listener);
    }

    public IReadOnlyCollection<string> Logs => logs;

    public IReadOnlyCollection<string> Messages => messages;

    public IReadOnlyCollection<string> Spans => spans;

    /// <summary>Every place the text occurs, named by where it was found.</summary>
    public IReadOnlyList<string> Find(string text) =>
    [
        .. logs.Where(l => l.Contains(text, StringComparison.Ordinal)).Select(l => "log: " + l),
        .. messages.Where(m => m.Contains(text, StringComparison.Ordinal)).Select(m => "message: " + m),
        .. spans.Where(s => s.Contains(text, StringComparison.Ordinal)).Select(s => "span: " + s),
    ];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose() => listener.Dispose();

    public Task PreSend<T>(SendContext<T> context)
        where T : class
    {
        messages.Enqueue($"send {typeof(T).Name} {Serialize(context.Message)} {Headers(context.Headers)}");
        return Task.CompletedTask;
    }

    public Task PostSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class
    {
        messages.Enqueue($"publish {typeof(T).Name} {Serialize(context.Message)} {Headers(context.Headers)}");
        return Task.CompletedTask;
    }

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        var body = context.ReceiveContext.Body.GetBytes();
        messages.Enqueue($"consume {typeof(T).Name} {Encoding.UTF8.GetString(body)} {Headers(context.Headers)} {Headers(context.ReceiveContext.TransportHeaders)}");
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    private static string Serialize(object message) => JsonSerializer.Serialize(message, message.GetType());

    private static string Headers(Headers headers) => string.Join(", ", headers.GetAll().Select(h => $"{h.Key}={h.Value}"));

    private static string Describe(Activity activity)
    {
        var text = new StringBuilder($"{activity.Source.Name} {activity.DisplayName} {activity.StatusDescription}");
        foreach (var tag in activity.TagObjects)
        {
            text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
        }

        foreach (var item in activity.Baggage)
        {
            text.Append(" baggage ").Append(item.Key).Append('=').Append(item.Value);
        }

        foreach (var activityEvent in activity.Events)
        {
            text.Append(" event ").Append(activityEvent.Name);
            foreach (var tag in activityEvent.Tags)
            {
                text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }
        }

        return text.ToString();
    }

    private sealed class Logger(LeakCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} | {Describe(state)} | {exception}");
            owner.scopes?.ForEachScope((scope, text) => text.Append(" | scope ").Append(Describe(scope)), line);
            owner.logs.Enqueue(line.ToString());
        }

        private static string Describe(object? state) =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : $"{state}";
    }
}
