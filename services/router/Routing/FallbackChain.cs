using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Errors;
using AiMesh.Router.Resilience;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Routing;

/// <summary>
/// Runs a request through its model's group and, when the group ends failed in a class another model can mend, through
/// the fallback groups configured for that class (<see cref="ModelGroupOptions"/>): rate limited or unavailable →
/// <c>Fallbacks</c>, <c>context_length_exceeded</c> → <c>ContextFallbacks</c>, <c>content_filter</c> →
/// <c>ContentFilterFallbacks</c>. Each fallback group is a model group like any: its own strategy, retries
/// (<see cref="RetryPipeline"/>) and circuits.
/// <para>
/// The walk is depth first: a failed fallback's own list (for the class it failed with) is tried before the rest of
/// the list that named it, because a model's fallback stands in for it; past <see cref="FallbackOptions.MaxDepth"/>
/// hops a group's own list is not followed. No group is tried twice in one request, whatever the lists say.
/// </para>
/// <para>
/// Bounds: the request's one deadline (no group starts with less than <see cref="RetryOptions.BaseDelay"/> left, so the
/// last error is a provider's, not a deadline the router ran into), <see cref="FallbackOptions.MaxCalls"/> provider calls
/// across all groups (retries included), and the replica's <see cref="RetryBudget"/>: a fallback after a provider call
/// is one more call for the same request, as a retry is, so it takes a retry from the budget; one after refusals only
/// (circuits open, capacity full) sent nothing before, so it takes none. Only before anything reached the client or
/// began being billed (no chunk, no answer started: <see cref="Retryable"/>'s rule).
/// </para>
/// </summary>
internal sealed class FallbackChain(
    RetryPipeline retries,
    RetryBudget budget,
    IOptions<RouterOptions> options,
    TimeProvider time,
    RouterMetrics metrics,
    ILogger<FallbackChain> logger)
{
    /// <param name="model">The model group the request goes to first: the requested model (or the group a routing rule chose for it).</param>
    /// <param name="candidates">That group's deployments, in the order to try them.</param>
    /// <param name="groupOf">A fallback model's deployments for this request's API, in the order to try them; none when it serves not this API.</param>
    public async Task<FallbackRun> RunAsync(
        RouteCompletion request, JsonObject body, string model, IReadOnlyList<Deployment> candidates, Func<string, IReadOnlyList<Deployment>> groupOf,
        IChunkSink chunks, CallAttemptServices services, CancellationToken abandoned)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(groupOf);
        var settings = options.Value;
        var bounds = settings.Fallbacks;
        var visited = new HashSet<string>(StringComparer.Ordinal) { model };
        var pending = new Stack<Frame>();
        var (depth, made) = (0, 0);

        // The request waits for capacity at most this long in all, whichever groups it waits in.
        var admitBy = time.GetUtcNow() + settings.Admission.MaxWait;
        AttemptResult? lastCalled = null;
        while (true)
        {
            var attempts = new CallAttempts(request, body, candidates, chunks, services) { CallLimit = bounds.MaxCalls - made, Group = model, AdmitBy = admitBy };
            var final = await retries.ExecuteAsync(attempts, abandoned);
            made += attempts.Made;
            if (attempts.LastCalled is { } called && !ReferenceEquals(called, lastCalled))
            {
                // The earlier group's call is no longer the one the answer can come from: its span ends here.
                lastCalled?.Activity?.Dispose();
                lastCalled = called;
            }

            var reason = ReasonOf(final, request.Stream);
            if (reason == FallbackReason.None)
            {
                return End(final, lastCalled, made);
            }

            var label = Label(reason);

            if (settings.Models.TryGetValue(model, out var group) && ListFor(group, reason) is { Count: > 0 } list)
            {
                if (depth < bounds.MaxDepth)
                {
                    pending.Push(new Frame(list, depth + 1));
                }
                else
                {
                    logger.FallbackDepthReached(request.RequestId, model, label, bounds.MaxDepth);
                }
            }

            if (Next(pending, visited, groupOf, request.RequestId) is not { } next)
            {
                return End(final, lastCalled, made);
            }

            var stop = made >= bounds.MaxCalls ? "max_calls"
                : request.Deadline - time.GetUtcNow() <= settings.Retries.BaseDelay ? "deadline"
                : attempts.Made > 0 && !budget.TryRetry() ? "retry_budget"
                : null;
            if (stop is not null)
            {
                if (stop == "retry_budget")
                {
                    metrics.RetryBudgetSpent();
                }

                metrics.FallbackStopped(stop);
                logger.FallbackStopped(request.RequestId, model, label, next.Model, stop, made);
                return End(final, lastCalled, made);
            }

            metrics.FallbackTaken(model, next.Model, label);
            logger.FallbackTaken(request.RequestId, model, label, next.Model, next.Depth, made);
            (model, depth, candidates) = next;
        }
    }

    /// <summary>
    /// The class of a group's end: every deployment refused the call (circuit open, capacity full, credential
    /// missing), or its last call failed before anything reached the client or was billed, with a retryable failure
    /// (<see cref="Retryable"/>), or with the error the client would see as <c>context_length_exceeded</c> or
    /// <c>content_filter</c> (what the adapter recognized, or the provider's own code).
    /// </summary>
    public static FallbackReason ReasonOf(AttemptResult final, bool stream)
    {
        ArgumentNullException.ThrowIfNull(final);
        if (final.Refusal is not null)
        {
            return FallbackReason.Unavailable;
        }

        if (final.Outcome is not { Failure: { } failure } outcome || outcome.ChunkCount > 0 || outcome.AnswerStarted)
        {
            return FallbackReason.None;
        }

        if (Retryable.Is(outcome))
        {
            return FallbackReason.Unavailable;
        }

        if (failure.Kind is not (FailureKind.UpstreamStatus or FailureKind.StreamError))
        {
            return FallbackReason.None;
        }

        return FailureMapper.Describe(failure, final.Deployment, stream).Code switch
        {
            ErrorCodes.ContextLengthExceeded => FallbackReason.ContextLengthExceeded,
            ErrorCodes.ContentFilter => FallbackReason.ContentFilter,
            _ => FallbackReason.None,
        };
    }

    /// <summary>The metric label and log word of a reason.</summary>
    public static string Label(FallbackReason reason) => reason switch
    {
        FallbackReason.Unavailable => "unavailable",
        FallbackReason.ContextLengthExceeded => ErrorCodes.ContextLengthExceeded,
        FallbackReason.ContentFilter => ErrorCodes.ContentFilter,
        _ => "none",
    };

    private static IList<string> ListFor(ModelGroupOptions group, FallbackReason reason) => reason switch
    {
        FallbackReason.Unavailable => group.Fallbacks,
        FallbackReason.ContextLengthExceeded => group.ContextFallbacks,
        FallbackReason.ContentFilter => group.ContentFilterFallbacks,
        _ => [],
    };

    /// <summary>
    /// The answer comes from <paramref name="final"/>, or from <paramref name="lastCalled"/> when the last group only
    /// refused: the span of the one not answered from ends here.
    /// </summary>
    private static FallbackRun End(AttemptResult final, AttemptResult? lastCalled, int made)
    {
        if (final.Refusal is null && lastCalled is not null && !ReferenceEquals(final.Activity, lastCalled.Activity))
        {
            lastCalled.Activity?.Dispose();
        }

        return new FallbackRun(final, lastCalled, made);
    }

    /// <summary>The next group: the first not yet tried, with deployments for this API, in the innermost list that has one left.</summary>
    private (string Model, int Depth, IReadOnlyList<Deployment> Candidates)? Next(
        Stack<Frame> pending, HashSet<string> visited, Func<string, IReadOnlyList<Deployment>> groupOf, Guid requestId)
    {
        while (pending.TryPeek(out var frame))
        {
            while (frame.Index < frame.Models.Count)
            {
                var name = frame.Models[frame.Index++];
                if (!visited.Add(name))
                {
                    continue;
                }

                var group = groupOf(name);
                if (group.Count > 0)
                {
                    return (name, frame.Depth, group);
                }

                logger.FallbackSkipped(requestId, name);
            }

            pending.Pop();
        }

        return null;
    }

    /// <summary>A fallback list being walked: the next place in it, and the hops from the requested model its groups are at.</summary>
    private sealed class Frame(IList<string> models, int depth)
    {
        public IList<string> Models { get; } = models;

        public int Depth { get; } = depth;

        public int Index { get; set; }
    }
}
