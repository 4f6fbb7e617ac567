using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Limits;
using AiMesh.Router.Configuration;
using AiMesh.Router.Errors;
using AiMesh.Router.Telemetry;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Deployments;

/// <summary>
/// A deployment's capacity (<see cref="DeploymentLimitOptions"/>), charged before each call and given back when it
/// ends: requests per second and minute, tokens per minute (estimated before, corrected after) and calls in flight.
/// Counted with policy's limiter stores (<c>services/hosting/Limits</c>): fixed windows aligned to the epoch, all or
/// nothing. A call that finds no room is answered 429 <c>rate_limit_exceeded</c> with <c>Retry-After</c> and never
/// sent (unless it waits for capacity: <see cref="Admission.AdmissionQueues"/>; another deployment of the model is tried
/// first). Nothing is counted for a deployment without limits.
/// <para>
/// With Redis (<see cref="RouterLimitOptions.Store"/>) every router replica counts in the same counters. A Redis that
/// fails or is slower than <see cref="RouterLimitOptions.StoreTimeout"/> makes the call take
/// <see cref="RouterLimitOptions.OnStoreDown"/>; after three failures in a row, for <see cref="RouterLimitOptions.StoreRetryAfter"/>
/// (<see cref="SharedStoreGuard"/>).
/// Each such decision is counted (<c>aimesh.router.deployment_limit.store_fallbacks</c>).
/// </para>
/// </summary>
internal sealed class DeploymentLimiter(
    IOptions<RouterOptions> options,
    DeploymentLimitStores stores,
    RouterMetrics metrics,
    TimeProvider time,
    ILogger<DeploymentLimiter> logger)
{
    private const long Second = 1000;
    private const long Minute = 60 * Second;

    private readonly RouterLimitOptions settings = options.Value.Limits;
    private readonly SharedStoreGuard guard = new(options.Value.Limits.StoreTimeout, options.Value.Limits.StoreRetryAfter, time,
        (failure, rest) => logger.DeploymentLimitStoreDown(failure, rest));

    public async Task<DeploymentCharge> ChargeAsync(RouteCompletion request, Deployment deployment, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Limits is not { } limits)
        {
            return DeploymentCharge.None;
        }

        var tokens = request.Body.Length / 4 + (MaxTokens(body) ?? deployment.DefaultMaxTokens ?? settings.DefaultMaxOutputTokens);
        var counters = new List<LimitCounter>(4);
        Add(counters, limits.RequestsPerSecond, $"dep:rps:{deployment.Name}", 1, Second, LimitKind.Requests);
        Add(counters, limits.RequestsPerMinute, $"dep:rpm:{deployment.Name}", 1, Minute, LimitKind.Requests);
        Add(counters, limits.TokensPerMinute, $"dep:tpm:{deployment.Name}", tokens, Minute, LimitKind.Tokens);
        Add(counters, limits.Concurrent, $"dep:cc:{deployment.Name}", 1, 0, LimitKind.Concurrent);

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var holdUntilMs = request.Deadline.ToUnixTimeMilliseconds() + Minute;
        ILimitStore store = stores.Local;
        LimitCharge? charge = null;
        if (stores.Shared is { } shared)
        {
            charge = (await guard.TryAsync(token => shared.ChargeAsync(counters, request.RequestId, nowMs, holdUntilMs, token), cancellationToken)).Value;
            store = shared;

            if (charge is null)
            {
                metrics.LimitFellBack(settings.OnStoreDown);
                if (settings.OnStoreDown == StoreDownChoice.Closed)
                {
                    return DeploymentCharge.Refused(new FailureDescription(503, ErrorTypes.Api, "deployment_limiter_unavailable",
                        "The deployment's capacity cannot be checked right now; retry shortly.", CompletionOutcomes.Error, null, 1));
                }

                if (settings.OnStoreDown == StoreDownChoice.Open)
                {
                    return DeploymentCharge.None;
                }

                // This replica's share of each limit, counted in its memory.
                counters = [.. counters.Select(c => c with { Limit = SharedStoreGuard.ShareOf(c.Limit, settings.Replicas) })];
                store = stores.Local;
            }
        }

        charge ??= stores.Local.Charge(counters, request.RequestId, nowMs, holdUntilMs);
        if (!charge.Admitted)
        {
            var over = counters[charge.Refused];
            var retryAfter = over.IsConcurrency ? 1 : (int)Math.Max(1, Math.Ceiling((over.WindowStart(nowMs) + over.WindowMs - nowMs) / 1000.0));
            var refusal = new FailureDescription(429, ErrorTypes.RateLimit, ErrorCodes.RateLimitExceeded,
                $"The deployment serving {request.Model} is at its capacity ({Explain(over)}). Retry after the time in the Retry-After header.",
                CompletionOutcomes.Error, null, retryAfter);

            // A call that alone is more than the limit (its tokens) will never fit: no use waiting for it.
            return over.Amount <= over.Limit ? DeploymentCharge.Full(refusal) : DeploymentCharge.Refused(refusal);
        }

        return DeploymentCharge.Held(
            store,
            [.. counters.Where(c => c.IsConcurrency).Select(c => c.Key)],
            [.. counters.Where(c => c.Kind == LimitKind.Tokens).Select(c => c.WindowKey(nowMs))],
            tokens,
            request.RequestId,
            logger);
    }

    /// <summary>The output the call may produce: the client's <c>max_completion_tokens</c> or <c>max_tokens</c>; null when it set neither.</summary>
    private static int? MaxTokens(JsonObject body)
    {
        foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens"])
        {
            if (body[name] is JsonValue value && value.TryGetValue<int>(out var tokens) && tokens > 0)
            {
                return tokens;
            }
        }

        return null;
    }

    private static void Add(List<LimitCounter> counters, int? limit, string key, long amount, long windowMs, LimitKind kind)
    {
        if (limit is { } value)
        {
            counters.Add(new LimitCounter(key, value, amount, windowMs, kind));
        }
    }

    private static string Explain(LimitCounter over) => over.Kind switch
    {
        LimitKind.Requests => $"{over.Limit} requests per {(over.WindowMs == Second ? "second" : "minute")}",
        LimitKind.Tokens => $"{over.Limit} tokens per minute",
        _ => $"{over.Limit} calls at once",
    };
}
