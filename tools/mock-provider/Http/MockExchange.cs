using System.Globalization;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Http;

/// <summary>One request in flight: its scenario, its cancellation, and how it ended (for the recorder).</summary>
internal sealed class MockExchange : IDisposable
{
    private readonly CancellationTokenSource _cancellation;

    public MockExchange(HttpContext http, MockServerState state, RecordedRequest? record)
    {
        Http = http;
        State = state;
        Record = record;
        Scenario = state.Defaults;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, state.Stopping);
    }

    public HttpContext Http { get; }

    public MockServerState State { get; }

    public RecordedRequest? Record { get; }

    public Scenario Scenario { get; set; }

    /// <summary>Fires when the caller goes away or the mock is stopping.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    public bool Completed { get; private set; }

    public bool ServerAborted { get; private set; }

    /// <summary>A flush found the connection closed, possibly before Kestrel fired RequestAborted.</summary>
    public bool CallerGone { get; private set; }

    public bool CallerCancelled => !Completed && !ServerAborted && (CallerGone || Http.RequestAborted.IsCancellationRequested);

    public bool Stopping => State.Stopping.IsCancellationRequested;

    /// <summary>Called after the last byte is flushed; a caller that left before then counts as cancelled.</summary>
    public void MarkCompleted() => Completed = !Http.RequestAborted.IsCancellationRequested;

    /// <summary>Breaks the connection with no orderly end, as a crashed or cut-off upstream would.</summary>
    public void Abort()
    {
        ServerAborted = true;
        Http.Abort();
    }

    public Task DelayAsync(int milliseconds) =>
        milliseconds > 0 ? Task.Delay(milliseconds, Cancellation) : Task.CompletedTask;

    /// <summary>Sends nothing until the stall bound (if any) passes, the caller leaves or the mock stops.</summary>
    public Task StallAsync() => Task.Delay(Scenario.StallMs ?? Timeout.Infinite, Cancellation);

    /// <summary>Answers 200 with an event stream, sends the headers, then waits the scenario's time to first token.</summary>
    public async Task BeginEventStreamAsync()
    {
        var response = Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await FlushAsync();
        await DelayAsync(Scenario.TtftMs);
    }

    public async ValueTask FlushAsync()
    {
        var result = await Http.Response.BodyWriter.FlushAsync(Cancellation);
        if (result.IsCompleted || result.IsCanceled)
        {
            CallerGone = true;
            throw new OperationCanceledException("The caller closed the connection.");
        }
    }

    public async Task SendErrorAsync(OpenAiError error)
    {
        if (error.Status == StatusCodes.Status429TooManyRequests)
        {
            Http.Response.Headers.RetryAfter = Scenario.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var body = MockJson.Render(error, MockJson.WriteError);
        await SendJsonAsync(error.Status, body.WrittenMemory, injectFaults: false);
    }

    /// <summary>
    /// Sends a whole JSON answer. With faults injected, <c>stallAfter</c> sends the headers and then stalls before
    /// the body, and <c>cutAfter</c> sends half the body and breaks the connection.
    /// </summary>
    public async Task SendJsonAsync(int status, ReadOnlyMemory<byte> json, bool injectFaults)
    {
        var response = Http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        if (injectFaults && Scenario.StallAfter is not null)
        {
            await FlushAsync();
            await StallAsync();
        }

        if (injectFaults && Scenario.CutAfter is not null)
        {
            await response.BodyWriter.WriteAsync(json[..(json.Length / 2)], Cancellation);
            await FlushAsync();
            Abort();
            return;
        }

        await response.BodyWriter.WriteAsync(json, Cancellation);
        await FlushAsync();
        MarkCompleted();
    }

    public void Dispose() => _cancellation.Dispose();
}
