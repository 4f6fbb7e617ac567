using System.Buffers;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Telemetry;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Transport;

/// <summary>
/// Runs one provider call for any adapter: sends the request the adapter built, enforces the four clocks,
/// reads the answer (a stream incrementally, with the adapter's decoder), sends each chunk as it arrives, and
/// turns every way a call can end into a <see cref="CallOutcome"/>. Makes exactly one attempt: retries belong to
/// <see cref="Resilience.RetryPipeline"/>, the one place that decides them.
/// </summary>
internal sealed class ProviderTransport(HttpClient http, IOptions<RouterOptions> options, TimeProvider time, ILogger<ProviderTransport> logger)
{
    /// <summary>The client name the router registers its pooled handler under.</summary>
    public const string HttpClientName = "aimesh-router-providers";

    // Bounds what one provider can make the router hold in memory. Answers beyond it are refused, not cut.
    private const int MaxAnswerBytes = 64 * 1024 * 1024;

    // Only the error message is wanted from an error body; the rest of a long HTML page is not.
    private const int MaxErrorBytes = 64 * 1024;

    private const int ReadBufferBytes = 16 * 1024;

    public async Task<CallOutcome> CallAsync(ProviderCall call, IProviderAdapter adapter, IChunkSink chunks, DateTimeOffset deadline, CancellationToken abandoned)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(chunks);
        if (abandoned.IsCancellationRequested)
        {
            return CallOutcome.NotAttempted(FailureKind.Cancelled);
        }

        var untilDeadline = deadline - time.GetUtcNow();
        if (untilDeadline <= TimeSpan.Zero)
        {
            return CallOutcome.NotAttempted(FailureKind.DeadlineExceeded);
        }

        using var clock = new CallClock(options.Value.Timeouts, untilDeadline, time, abandoned);
        var started = time.GetTimestamp();
        using var request = adapter.BuildRequest(call);
        if (call.Unsupported.Count > 0 && call.Deployment.UnsupportedParameters == UnsupportedParameterPolicy.Reject)
        {
            return new CallOutcome { Failure = new ProviderFailure(FailureKind.UnsupportedParameter, Error: new UpstreamError(null, null, call.Unsupported[0])) };
        }

        // Credentials that take I/O to get (an OAuth token exchange) are the one async step between the pure
        // translation and the send. It runs under the first-byte clock; a refusal never reached the provider.
        if (adapter is IProviderCredentials credentials && await AuthorizeAsync(call, credentials, request, clock) is { } unauthorized)
        {
            return unauthorized;
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, clock.ReadToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            var kind = clock.Reason(answerStarted: false) ?? Unanswered(exception);
            if (kind is FailureKind.Unreachable or FailureKind.InvalidResponse)
            {
                logger.UpstreamUnreachable(call.RequestId, call.Deployment.Name, exception);
            }

            return Failed(kind);
        }

        using (response)
        {
            var headersMs = time.GetElapsedTime(started).TotalMilliseconds;
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                return Failed(FailureKind.Redirect, status);
            }

            if (status is < 200 or >= 300)
            {
                return await ReadErrorAsync(call, adapter, response, clock);
            }

            return call.Stream
                ? await StreamAsync(call, adapter, response, chunks, clock, started)
                : await ReadAnswerAsync(call, adapter, response, clock, headersMs);
        }
    }

    private async Task<CallOutcome> ReadAnswerAsync(ProviderCall call, IProviderAdapter adapter, HttpResponseMessage response, CallClock clock, double headersMs)
    {
        ArraySegment<byte> body;
        try
        {
            body = await ReadBodyAsync(response.Content, MaxAnswerBytes, truncate: false, clock);
        }
        catch (Exception exception) when (IsReadFailure(exception, clock))
        {
            var kind = clock.Reason(answerStarted: true) ?? Unread(exception);
            if (kind is FailureKind.Truncated or FailureKind.InvalidResponse)
            {
                logger.UpstreamReadFailed(call.RequestId, call.Deployment.Name, exception);
            }

            // The provider answered 2xx: it produced (and bills) the answer this read lost.
            return new CallOutcome { Failure = new ProviderFailure(kind), FirstByteMs = headersMs, Attempts = 1, AnswerStarted = true };
        }

        var answer = adapter.ReadResponse(call, body);
        if (answer.Error is { } refusal)
        {
            // A 2xx that is a refusal (a blocked prompt, an answer the model broke off): the adapter's kind decides, and
            // an unrecognized one is a provider failure (502) whose message says why, not an "unexpected status 200".
            return new CallOutcome
            {
                Failure = new ProviderFailure(FailureKind.UpstreamStatus, StatusCodes.Status502BadGateway, refusal),
                Usage = answer.Usage,
                FirstByteMs = headersMs,
                Attempts = 1,
                AnswerStarted = true,
            };
        }

        return answer.IsValid
            ? new CallOutcome { Body = answer.Body, Usage = answer.Usage, FirstByteMs = headersMs, Attempts = 1, AnswerStarted = true }
            : Failed(FailureKind.InvalidResponse);
    }

    private async Task<CallOutcome> ReadErrorAsync(ProviderCall call, IProviderAdapter adapter, HttpResponseMessage response, CallClock clock)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter.Seconds(response.Headers, time.GetUtcNow());
        UpstreamError error;
        try
        {
            error = adapter.ReadError(await ReadBodyAsync(response.Content, MaxErrorBytes, truncate: true, clock), response.Headers);
        }
        catch (Exception exception) when (IsReadFailure(exception, clock))
        {
            // The status already says what went wrong; only the client or a deadline overrides it.
            if (clock.Reason(answerStarted: true) is { } reason and (FailureKind.Cancelled or FailureKind.TotalTimeout or FailureKind.DeadlineExceeded))
            {
                return Failed(reason);
            }

            error = UpstreamError.None;
        }

        // Some providers put the wait in the body instead of a header (Google's RetryInfo); the header wins.
        return new CallOutcome { Failure = new ProviderFailure(FailureKind.UpstreamStatus, status, error, retryAfter ?? error.RetryAfterSeconds), Attempts = 1 };
    }

    /// <returns>Null when the request carries its credentials; otherwise the failed outcome (nothing was sent).</returns>
    private static async Task<CallOutcome?> AuthorizeAsync(ProviderCall call, IProviderCredentials credentials, HttpRequestMessage request, CallClock clock)
    {
        UpstreamError? refused;
        try
        {
            refused = await credentials.AuthorizeAsync(call, request, clock.ReadToken);
        }
        catch (OperationCanceledException) when (clock.Fired)
        {
            return CallOutcome.NotAttempted(clock.Reason(answerStarted: false) ?? FailureKind.Cancelled);
        }

        return refused is null ? null : new CallOutcome { Failure = new ProviderFailure(FailureKind.UpstreamStatus, Error: refused) };
    }

    private async Task<CallOutcome> StreamAsync(ProviderCall call, IProviderAdapter adapter, HttpResponseMessage response, IChunkSink chunks, CallClock clock, long started)
    {
        // A server that ignored "stream": true answers with one JSON document: not a stream, and not ours to re-chunk.
        if (response.Content.Headers.ContentType?.MediaType is "application/json")
        {
            return Failed(FailureKind.InvalidResponse);
        }

        var translator = adapter.CreateStreamTranslator(call);
        var decoder = adapter.CreateStreamDecoder();
        var events = new List<SseEvent>();
        var progress = new StreamProgress();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(clock.ReadToken);
            }
            catch (Exception exception) when (IsReadFailure(exception, clock))
            {
                return progress.Fail(clock.Reason(answerStarted: false) ?? Unread(exception));
            }

            await using (body)
            {
                while (true)
                {
                    events.Clear();
                    var failure = await ReadEventsAsync(call, body, buffer, decoder, events, clock, progress.Started);
                    if (failure is not null)
                    {
                        return progress.Fail(failure.Value);
                    }

                    if (!progress.Started)
                    {
                        progress.Started = true;
                        progress.FirstEventMs = time.GetElapsedTime(started).TotalMilliseconds;
                    }

                    foreach (var sseEvent in events)
                    {
                        var step = translator.Translate(sseEvent);
                        progress.Usage = step.Usage ?? progress.Usage;
                        // Done may carry a last chunk (see StreamStep.Done): it goes out before the call succeeds.
                        if (step.Kind is StreamStepKind.Forward or StreamStepKind.Done
                            && await TrySendAllAsync(call, chunks, step, progress, clock) is { } unsent)
                        {
                            return progress.Fail(unsent);
                        }

                        switch (step.Kind)
                        {
                            case StreamStepKind.Done:
                                return progress.Succeed();
                            case StreamStepKind.Failed:
                                return progress.Fail(new ProviderFailure(FailureKind.StreamError, Error: step.Error));
                            case StreamStepKind.Forward:
                            case StreamStepKind.Skip:
                            default:
                                break;
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A step's chunk and those that follow it (<see cref="StreamStep.Then"/>), in order.</summary>
    /// <returns>Null once they are all on their way; else why the stream cannot go on.</returns>
    private static async Task<FailureKind?> TrySendAllAsync(ProviderCall call, IChunkSink chunks, StreamStep step, StreamProgress progress, CallClock clock)
    {
        if (step.Chunk is not null && await TrySendAsync(call, chunks, step.Chunk, progress, clock) is { } unsent)
        {
            return unsent;
        }

        foreach (var next in step.Then ?? [])
        {
            if (await TrySendAsync(call, chunks, next, progress, clock) is { } failed)
            {
                return failed;
            }
        }

        return null;
    }

    /// <returns>Null once the chunk is on its way; else why the stream cannot go on.</returns>
    private static async Task<FailureKind?> TrySendAsync(ProviderCall call, IChunkSink chunks, string chunk, StreamProgress progress, CallClock clock)
    {
        try
        {
            await chunks.SendAsync(new CompletionChunk(call.RequestId, progress.ChunkCount, chunk, progress.ChunkCount == 0 ? Dropped(call) : null), clock.SendToken);
        }
        catch (OperationCanceledException) when (clock.Fired)
        {
            return clock.Reason(answerStarted: true) ?? FailureKind.Cancelled;
        }
        catch (ChunkSinkException)
        {
            return FailureKind.RelayBroken;
        }

        progress.ChunkCount++;
        progress.Relayed.Add(chunk);
        return null;
    }

    /// <summary>The fields sent without, for the client's warning header; null when none.</summary>
    internal static IReadOnlyList<string>? Dropped(ProviderCall call) =>
        call.Unsupported.Count > 0 && call.Deployment.UnsupportedParameters == UnsupportedParameterPolicy.Drop ? call.Unsupported.ToArray() : null;

    /// <summary>Reads until at least one event is complete. Failures come back as values, so a send error is never mistaken for a provider's.</summary>
    private async Task<FailureKind?> ReadEventsAsync(
        ProviderCall call, Stream body, byte[] buffer, IStreamDecoder decoder, List<SseEvent> events, CallClock clock, bool answerStarted)
    {
        try
        {
            while (events.Count == 0)
            {
                // Before the first event the first-byte clock keeps running: keep-alive comments do not reset it.
                if (answerStarted)
                {
                    clock.ArmIdle();
                }

                var read = await body.ReadAsync(buffer, clock.ReadToken);
                if (read == 0)
                {
                    return FailureKind.Truncated;
                }

                decoder.Feed(buffer.AsSpan(0, read), events);
            }

            clock.Disarm();
            return null;
        }
        catch (Exception exception) when (IsReadFailure(exception, clock))
        {
            var kind = clock.Reason(answerStarted) ?? Unread(exception);
            if (kind is FailureKind.Truncated or FailureKind.InvalidResponse)
            {
                logger.UpstreamReadFailed(call.RequestId, call.Deployment.Name, exception);
            }

            return kind;
        }
    }

    private static async Task<ArraySegment<byte>> ReadBodyAsync(HttpContent content, int limit, bool truncate, CallClock clock)
    {
        var expected = content.Headers.ContentLength;
        var buffer = new byte[expected is > 0 && expected < limit ? (int)expected + 1 : Math.Min(ReadBufferBytes, limit)];
        var length = 0;
        await using var stream = await content.ReadAsStreamAsync(clock.ReadToken);
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length >= limit)
                {
                    return truncate ? new ArraySegment<byte>(buffer, 0, length) : throw new InvalidDataException($"The answer exceeded {limit} bytes.");
                }

                Array.Resize(ref buffer, (int)Math.Min((long)limit, buffer.Length * 2L));
            }

            clock.ArmIdle();
            var read = await stream.ReadAsync(buffer.AsMemory(length), clock.ReadToken);
            if (read == 0)
            {
                return new ArraySegment<byte>(buffer, 0, length);
            }

            length += read;
        }
    }

    /// <summary>Exceptions reading an answer can end in; a cancellation counts only when one of the call's own clocks fired.</summary>
    private static bool IsReadFailure(Exception exception, CallClock clock) =>
        exception is IOException or HttpRequestException or InvalidDataException
        || (exception is OperationCanceledException && clock.Fired);

    /// <summary>No answer and none of our clocks fired: the connection failed or the handler's connect timeout did.</summary>
    private static FailureKind Unanswered(Exception exception) => exception switch
    {
        HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError
        } => FailureKind.Unreachable,
        OperationCanceledException => FailureKind.Unreachable,
        _ => FailureKind.InvalidResponse,
    };

    private static FailureKind Unread(Exception exception) =>
        exception is InvalidDataException ? FailureKind.InvalidResponse : FailureKind.Truncated;

    private static CallOutcome Failed(FailureKind kind, int? status = null) =>
        new() { Failure = new ProviderFailure(kind, status), Attempts = 1 };

    /// <summary>What a stream has delivered so far, reported also when it fails.</summary>
    private sealed class StreamProgress
    {
        public bool Started { get; set; }

        public double? FirstEventMs { get; set; }

        public int ChunkCount { get; set; }

        public TokenUsage? Usage { get; set; }

        // References to chunks already built, kept for an output estimate should no usage come; bounded by the answer.
        public List<string> Relayed { get; } = [];

        public CallOutcome Succeed() =>
            new() { Usage = Usage, ChunkCount = ChunkCount, FirstByteMs = FirstEventMs, Attempts = 1, AnswerStarted = true, Relayed = Relayed };

        public CallOutcome Fail(FailureKind kind) => Fail(new ProviderFailure(kind));

        public CallOutcome Fail(ProviderFailure failure) =>
            new() { Failure = failure, Usage = Usage, ChunkCount = ChunkCount, FirstByteMs = FirstEventMs, Attempts = 1, AnswerStarted = Started, Relayed = Relayed };
    }
}
