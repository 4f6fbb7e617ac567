using System.Globalization;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Http;
using AiMesh.Ingress.Authentication;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.Instance;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Usage;
using AiMesh.Ingress.Saga;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// One HTTP exchange of the OpenAI surface: read and check the body, hand the request to a saga on this
/// instance's endpoint, then relay the answer — whole, or as server-sent events as the chunks arrive.
/// The ingress decides nothing about policy, routing or price: it only parses, publishes and relays.
/// </summary>
internal sealed class CompletionExchange(
    IngressInstance instance,
    BusHealth busHealth,
    UsageSender usage,
    ResponseRelays relays,
    SagaInbox inbox,
    CallerAuthentication authentication,
    IngressMetrics metrics,
    IOptions<IngressOptions> options,
    ILogger<CompletionExchange> logger)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>Response header listing request fields sent without; see <see cref="WarnDropped"/>.</summary>
    public const string DroppedParametersHeader = "x-aimesh-dropped-params";

    /// <summary>Response header with a whole answer's cost; see <see cref="ShowCost"/>.</summary>
    public const string CostHeader = "x-aimesh-cost";

    /// <summary>Response header with the version of the prompt a whole answer was rendered from (a request naming a prompt).</summary>
    public const string PromptVersionHeader = "x-aimesh-prompt-version";

    /// <summary>How long an answer that overtook policy's waits for it, for the rate-limit headers (see <see cref="ResponseRelay.LimitsAsync"/>).</summary>
    private static readonly TimeSpan AdmissionPatience = TimeSpan.FromMilliseconds(100);

    public Task ChatAsync(HttpContext http) => HandleAsync(
        http,
        "chat.completions",
        (body, maxDepth) =>
        {
            var (folded, error) = PromptHeaders.Fold(http.Request.Headers, body, maxDepth);
            return error is null ? ChatRequestValidator.Validate(folded!, maxDepth) : (null, error);
        },
        OpenAiAnswerWriter.Instance);

    public Task EmbeddingsAsync(HttpContext http) => HandleAsync(http, "embeddings", EmbeddingsRequestValidator.Validate, OpenAiAnswerWriter.Instance);

    /// <summary>
    /// Serves one request of any surface: <paramref name="validate"/> checks the client's body and returns the mesh's
    /// canonical (OpenAI) request; <paramref name="writer"/> renders every answer, error and chunk in the surface's format.
    /// <paramref name="api"/> names the surface in metrics. Every request is measured once, whichever way it ends.
    /// </summary>
    /// <param name="given">The body to serve instead of the request's own (a prompt API's second call, after its body was read).</param>
    public async Task HandleAsync(
        HttpContext http, string api, Func<byte[], int, (ValidatedRequest?, ApiError?)> validate, IAnswerWriter writer, byte[]? given = null)
    {
        var started = DateTimeOffset.UtcNow;
        var measure = new RequestMeasure(api, metrics.Models);
        try
        {
            await ServeAsync(http, measure, started, validate, writer, given);
        }
        finally
        {
            metrics.RequestEnded(measure);
        }
    }

    private async Task ServeAsync(
        HttpContext http, RequestMeasure measure, DateTimeOffset started, Func<byte[], int, (ValidatedRequest?, ApiError?)> validate, IAnswerWriter writer,
        byte[]? given)
    {
        var settings = options.Value;
        var (requestId, clientRequestId) = RequestIds.Assign(http);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId, ["ClientRequestId"] = clientRequestId });

        Task Refuse(ApiError error)
        {
            measure.Status = error.Status;
            return writer.WriteErrorAsync(http.Response, error);
        }

        var caller = await authentication.AuthenticateAsync(http);
        if (caller.Error is not null)
        {
            await Refuse(caller.Error);
            return;
        }

        var (body, readError) = given is not null ? (given, null) : await RequestBody.ReadAsync(http, settings.MaxBodyBytes);
        if (readError is not null)
        {
            await Refuse(readError);
            return;
        }

        var (request, invalid) = validate(body!, settings.MaxJsonDepth);
        if (invalid is not null)
        {
            await Refuse(invalid);
            return;
        }

        measure.Asked(request!.Model);
        var (tags, badTags) = TagsHeader.Merge(request.Tags, http.Request.Headers[TagsHeader.Name]);
        if (badTags is not null)
        {
            await Refuse(badTags);
            return;
        }

        request = request with { Tags = tags, ClientHeaders = RoutingHeaders.Merge(request.ClientHeaders, http.Request.Headers, settings.RoutingHeaders) };

        if (instance.Address is null)
        {
            await Refuse(ApiError.Unavailable("gateway_starting"));
            return;
        }

        if (!busHealth.IsHealthy)
        {
            IngressLog.BusUnhealthy(logger, requestId);
            await Refuse(ApiError.Unavailable("bus_unavailable"));
            return;
        }

        if (usage.IsBacklogged)
        {
            IngressLog.UsageBacklogged(logger, requestId, usage.Pending);
            await Refuse(ApiError.Unavailable("metering_backlog"));
            return;
        }

        var relay = relays.Open(requestId);
        try
        {
            var refused = await inbox.SubmitAsync(new SubmitCompletion(
                requestId, request.Api, request.Model, request.Body, request.Stream, request.HasPrompt, caller.CredentialHash,
                http.Connection.RemoteIpAddress?.ToString(), request.User, request.Tags, started, started + settings.RequestTimeout,
                started + settings.SubmitTimeout, request.ClientHeaders, caller.Principal, request.Body.Length / 4, request.MaxOutputTokens,
                request.AuthorizeAs, request.ApiRequestsPerMinute));
            if (refused is not null)
            {
                await Refuse(refused);
                return;
            }

            IngressLog.Submitted(logger, requestId, request.Api, request.Stream);
            await RelayAsync(http, writer, relay, measure, started + settings.RequestTimeout + settings.RouterGrace + settings.RouterGrace, settings);
        }
        finally
        {
            // A logged request's bodies: what the client sent, and its key, to be masked wherever it appears.
            relay.EndCapture()?.ExchangeEnded(body!, PresentedKey.Read(http.Request).Key);
            relays.Close(requestId);
        }
    }

    /// <summary>
    /// Relays until the answer, the client leaving, or — so that no exchange ever hangs on answers the bus lost —
    /// a broker outage outlasting <see cref="IngressOptions.OutagePatience"/> or the exchange's own deadline (the saga's,
    /// plus grace) passing.
    /// </summary>
    private async Task RelayAsync(HttpContext http, IAnswerWriter writer, ResponseRelay relay, RequestMeasure measure, DateTimeOffset deadline, IngressOptions settings)
    {
        var aborted = http.RequestAborted;
        var streaming = false;

        // One timer for the whole exchange, re-armed per read: no allocation per chunk on the hot path.
        var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        try
        {
            while (true)
            {
                if (!heartbeat.TryReset())
                {
                    heartbeat.Dispose();
                    heartbeat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                }

                heartbeat.CancelAfter(HeartbeatInterval);
                RelayItem item;
                try
                {
                    item = await relay.ReadAsync(settings.StreamGapTimeout, heartbeat.Token);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    if (LostFailure(deadline) is { } lost)
                    {
                        IngressLog.ExchangeGaveUp(logger, relay.RequestId, lost.Code!);
                        await FinishAsync(http, writer, relay, RelayItem.ForAnswer(CompletionAnswered.Refused(relay.RequestId, lost), incomplete: false), streaming, measure, aborted);
                        await AbandonAsync(relay.RequestId);
                        return;
                    }

                    if (streaming)
                    {
                        await writer.WriteHeartbeatAsync(http.Response, aborted);
                    }

                    continue;
                }

                if (item.Chunk is { } data)
                {
                    if (!streaming)
                    {
                        streaming = true;
                        RateLimitHeaders.Write(http.Response, await relay.LimitsAsync(AdmissionPatience, aborted));
                        StartEventStream(http, relay.DroppedParameters);
                    }

                    await writer.WriteChunkAsync(http.Response, data, aborted);
                    relay.Capture?.Chunk(data);
                    if (!measure.FirstTokenSeen)
                    {
                        measure.FirstTokenSeen = true;
                        metrics.FirstToken(measure);
                    }

                    continue;
                }

                if (!streaming)
                {
                    RateLimitHeaders.Write(http.Response, await relay.LimitsAsync(AdmissionPatience, aborted));
                }

                await FinishAsync(http, writer, relay, item, streaming, measure, aborted);
                return;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            measure.Cancelled = true;
            await AbandonAsync(relay.RequestId);
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
            measure.Cancelled = true;
            await AbandonAsync(relay.RequestId);
        }
        finally
        {
            heartbeat.Dispose();
        }
    }

    private ApiError? LostFailure(DateTimeOffset deadline)
    {
        if (busHealth.AnswersLost)
        {
            return ApiError.Unavailable("bus_unavailable");
        }

        return DateTimeOffset.UtcNow > deadline
            ? new ApiError(504, "api_error", "timeout", "The request did not finish before its deadline.")
            : null;
    }

    /// <summary>
    /// The error an answered exchange ends in; null when it succeeded. A failed answer keeps its own error even when
    /// chunks it counts never came: the router counts a chunk once its socket took it, so when the stream channel breaks
    /// (<c>stream_relay_broken</c>) the chunk written into the break is counted and lost, and whether one was depends only
    /// on timing. Both are the same fault; the router's code names its cause, is the one metering records, and is the
    /// same whichever way the race went. <c>stream_incomplete</c> is the ingress's own word for the one case no one
    /// else reports: an answer saying the provider finished whose counted chunks never came.
    /// </summary>
    internal static ApiError? EndingError(RelayItem item)
    {
        var answer = item.Answer!;
        if (answer.Error is { } error)
        {
            return OpenAiErrors.From(answer.Status, error);
        }

        return item.Incomplete ? new ApiError(502, "api_error", "stream_incomplete", "The answer stream was interrupted inside the gateway.") : null;
    }

    private async Task FinishAsync(
        HttpContext http, IAnswerWriter writer, ResponseRelay relay, RelayItem item, bool streaming, RequestMeasure measure, CancellationToken aborted)
    {
        var requestId = relay.RequestId;
        var answer = item.Answer!;
        var error = EndingError(item);
        if (item.Incomplete && answer.Error is null)
        {
            IngressLog.StreamIncomplete(logger, requestId);
        }

        measure.Status = error?.Status ?? answer.Status;
        if (answer.Deployment is { } deployment)
        {
            measure.Served(deployment);
        }

        if (answer.Usage is { } tokens)
        {
            metrics.Tokens(measure, tokens.PromptTokens, tokens.CompletionTokens);
        }

        if (!streaming)
        {
            if (answer.PromptVersion is { } promptVersion && !http.Response.HasStarted)
            {
                http.Response.Headers[PromptVersionHeader] = promptVersion;
            }

            if (error is not null)
            {
                ShowCost(http, answer.Cost);
                await writer.WriteErrorAsync(http.Response, error);
                return;
            }

            if (answer.Body is { } json)
            {
                ShowCost(http, answer.Cost);
                WarnDropped(http, answer.DroppedParameters);
                await writer.WriteAnswerAsync(http.Response, answer.Status, json, aborted);
                relay.Capture?.Answer(json);
                return;
            }

            // A stream that ended without a single chunk: still a stream, and it completed.
            StartEventStream(http, answer.DroppedParameters);
        }

        // Never an invented finish: after an error the client sees the stream end in an error event.
        await writer.EndStreamAsync(http.Response, error, aborted);
    }

    /// <summary>
    /// Names the request fields the deployment's provider could not honour and was configured to send without
    /// (router deployment setting <c>UnsupportedParameters: drop</c>), so a client is never silently served
    /// something other than it asked for.
    /// </summary>
    private static void WarnDropped(HttpContext http, IReadOnlyList<string>? dropped)
    {
        if (dropped is { Count: > 0 })
        {
            http.Response.Headers[DroppedParametersHeader] = string.Join(", ", dropped);
        }
    }

    /// <summary>
    /// The request's cost as the router computed it, <c>{amount} {currency}</c> with the amount in invariant decimal
    /// notation and no exponent (<c>0.0000125 USD</c>: what a script can parse and a person can read), and
    /// <c>; estimated</c> when tokens were counted by the gateway. Absent when the cost is unknown or the header is
    /// switched off (<c>Ingress:CostHeader</c>). A failed answer carries it too: a refusal the provider billed is not free.
    /// </summary>
    private void ShowCost(HttpContext http, Cost? cost)
    {
        if (cost is null || !options.Value.CostHeader || http.Response.HasStarted)
        {
            return;
        }

        var amount = cost.Amount.ToString("0.############################", CultureInfo.InvariantCulture);
        http.Response.Headers[CostHeader] = cost.Estimated ? $"{amount} {cost.Currency}; estimated" : $"{amount} {cost.Currency}";
    }

    private static void StartEventStream(HttpContext http, IReadOnlyList<string>? dropped)
    {
        WarnDropped(http, dropped);
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
    }

    private Task AbandonAsync(Guid requestId)
    {
        IngressLog.ClientLeft(logger, requestId);
        return inbox.AbandonAsync(requestId, "client_disconnected");
    }
}
