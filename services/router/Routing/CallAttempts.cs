using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Admission;
using AiMesh.Router.Deployments;
using AiMesh.Router.Errors;
using AiMesh.Router.Providers;
using AiMesh.Router.Resilience;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Routing;

/// <summary>
/// The attempts of one request, run by <see cref="RetryPipeline"/>. Each attempt takes the first deployment, from where
/// the last retry decision pointed, that can take the call (its credential held, its capacity with room), calls it, and
/// gives the capacity back; when every deployment is at capacity it may first wait for some (<see cref="AdmissionGate"/>).
/// <see cref="ShouldRetry"/> decides whether a failure is tried again and where: the next
/// deployment of the model when there is another (at once), else the same one (after its <c>Retry-After</c>, or the
/// pipeline's backoff).
/// </summary>
internal sealed class CallAttempts(
    RouteCompletion request,
    JsonObject body,
    IReadOnlyList<Deployment> candidates,
    IChunkSink chunks,
    CallAttemptServices services)
{
    private int next;
    private int lastIndex = -1;

    /// <summary>Provider calls made so far.</summary>
    public int Made { get; private set; }

    /// <summary>Calls this group may make: what the request's fallback bound (<see cref="FallbackChain"/>) leaves it.</summary>
    public int CallLimit { get; init; } = int.MaxValue;

    /// <summary>The latest attempt that reached a provider (or at least was sent to one).</summary>
    public AttemptResult? LastCalled { get; private set; }

    public AttemptResult? Last { get; private set; }

    /// <summary>What the pipeline waits before the next attempt: null for its own backoff.</summary>
    public TimeSpan? WaitBeforeNext { get; private set; }

    /// <summary>The model group the candidates are (a configured public model): names the group's waiting line.</summary>
    public string Group { get; init; } = request.Model;

    /// <summary>The end of the request's waiting for capacity (<see cref="Admission.AdmissionOptions.MaxWait"/> after the router took it).</summary>
    public DateTimeOffset AdmitBy { get; init; } = DateTimeOffset.MinValue;

    public async ValueTask<AttemptResult> NextAsync(CancellationToken abandoned)
    {
        Last?.Activity?.Dispose();

        // When every deployment is at capacity the request may wait for one (Admission/), out of the line before the call.
        var taken = services.Admission.Enabled
            ? await services.Admission.AdmitAsync(Group, candidates, request, candidates[next % candidates.Count], AdmitBy, TryOnceAsync, abandoned)
            : await TryOnceAsync(abandoned);
        if (taken.Refusal is { } refusal)
        {
            return Last = new AttemptResult { Deployment = taken.Deployment, Refusal = refusal };
        }

        lastIndex = taken.Index;
        return Last = LastCalled = await CallAsync(taken.Deployment, taken.Capacity!, taken.Probe, abandoned);
    }

    /// <summary>
    /// One try at the deployments, from where the last retry decision pointed: the first that can take the call (its
    /// circuit lets it, its credential held, its capacity charged), or the last refusal when none can.
    /// </summary>
    private async ValueTask<CapacityTry> TryOnceAsync(CancellationToken abandoned)
    {
        CapacityTry? refused = null;
        var full = false;
        for (var k = 0; k < candidates.Count; k++)
        {
            var index = (next + k) % candidates.Count;
            var candidate = candidates[index];
            if (!services.Breakers.TryEnter(candidate, out var probe))
            {
                refused = new CapacityTry(candidate, Unavailable(candidate));
                continue;
            }

            if (services.Credentials.Resolve(candidate) is not { } deployment)
            {
                Release(candidate, probe);
                services.Logger.CredentialMissing(request.RequestId, candidate.Name, candidate.CredentialName!);
                refused = new CapacityTry(candidate, FailureMapper.CredentialUnavailable(candidate));
                continue;
            }

            var capacity = await services.Limiter.ChargeAsync(request, deployment, body, abandoned);
            if (capacity.Refusal is { } refusal)
            {
                Release(candidate, probe);
                full |= capacity.IsFull;
                refused = new CapacityTry(deployment, refusal);
                continue;
            }

            return new CapacityTry(deployment, null, Capacity: capacity, Probe: probe, Index: index);
        }

        // One deployment full is worth waiting for even when the others are failing: it is the one that can serve.
        return refused! with { Full = full };
    }

    /// <summary>
    /// Whether <paramref name="result"/> is tried again: a retryable failure (<see cref="Retryable"/>), a call left under
    /// <see cref="CallLimit"/>, the next attempt's wait within the request's deadline, and a retry left in the replica's
    /// budget. Points the next attempt.
    /// </summary>
    public bool ShouldRetry(AttemptResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Outcome is not { } outcome || !Retryable.Is(outcome) || lastIndex < 0 || Made >= CallLimit)
        {
            return false;
        }

        var settings = services.Settings;
        var remaining = request.Deadline - services.Time.GetUtcNow();
        var target = candidates.Count > 1 ? (lastIndex + 1) % candidates.Count : lastIndex;
        TimeSpan? wait = target != lastIndex ? TimeSpan.Zero : null;
        if (target == lastIndex && outcome.Failure!.RetryAfterSeconds is { } seconds)
        {
            var asked = TimeSpan.FromSeconds(seconds);
            if (asked > settings.MaxRetryAfter)
            {
                return false;
            }

            wait = asked;
        }

        // The wait and a call after it must fit in the one deadline.
        if ((wait ?? settings.MaxDelay) + settings.BaseDelay >= remaining)
        {
            return false;
        }

        if (!services.Budget.TryRetry())
        {
            services.Metrics.RetryBudgetSpent();
            return false;
        }

        var kind = outcome.Failure!.Kind.ToString();
        services.Logger.Retrying(request.RequestId, result.Deployment.Name, kind, outcome.Failure.UpstreamStatus, candidates[target].Name);
        (next, WaitBeforeNext) = (target, wait);
        return true;
    }

    /// <summary>
    /// The client left before an attempt or during a backoff: the request ends as cancelled, in the name of the last
    /// deployment tried (the first candidate when none was). Nothing new is sent.
    /// </summary>
    public AttemptResult Cancelled() => new()
    {
        Deployment = Last?.Deployment ?? candidates[0],
        Call = LastCalled?.Call,
        Outcome = new CallOutcome { Failure = new ProviderFailure(FailureKind.Cancelled) },
        Activity = Last?.Activity,
        Elapsed = Last?.Elapsed ?? TimeSpan.Zero,
    };

    private void Release(Deployment candidate, bool probe)
    {
        if (probe)
        {
            services.Breakers.Release(candidate);
        }
    }

    /// <summary>The deployment's circuit is open: 503, and when it takes calls again.</summary>
    private FailureDescription Unavailable(Deployment deployment) => new(
        503, ErrorTypes.Api, "deployment_unavailable",
        $"The deployment serving {request.Model} is failing and is given a rest; retry after the time in the Retry-After header.",
        CompletionOutcomes.Error, null, (int)Math.Max(1, Math.Ceiling(services.Breakers.ClosedIn(deployment).TotalSeconds)));

    private async Task<AttemptResult> CallAsync(Deployment deployment, DeploymentCharge capacity, bool probe, CancellationToken abandoned)
    {
        var call = new ProviderCall
        {
            RequestId = request.RequestId,
            Api = request.Api,
            Deployment = ClientHeaders.ForCall(deployment, request.ClientHeaders),
            Body = body,
            Stream = request.Stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(body),
        };
        services.Logger.RouteStarted(request.RequestId, deployment.Name, deployment.Provider, request.Api, request.Stream);
        var activity = RouterActivity.StartProviderCall(deployment, request);
        var started = services.Time.GetTimestamp();
        CallOutcome? outcome = null;
        services.Stats.Started(deployment);
        try
        {
            outcome = await services.Transport.CallAsync(call, services.Adapters.Get(deployment.Provider), chunks, request.Deadline, abandoned);
        }
        finally
        {
            // Given back however the call ended; corrected by the tokens the provider reported, when it did. Whoever
            // waits for this deployment's capacity tries now.
            await capacity.SettleAsync(outcome?.Usage);
            services.Admission.Released(deployment);
            services.Stats.Ended(deployment, outcome?.FirstByteMs ?? services.Time.GetElapsedTime(started).TotalMilliseconds,
                outcome?.Usage is { } used ? used.PromptTokens + used.CompletionTokens : 0);
            if (outcome is null)
            {
                // The call threw: the probe says nothing, and must not hold the circuit half-open for ever.
                Release(deployment, probe);
            }
        }

        var elapsed = services.Time.GetElapsedTime(started);
        services.Breakers.Record(deployment, outcome, probe);
        services.Metrics.Called(deployment, outcome, elapsed);
        Made += outcome.Attempts;
        return new AttemptResult { Deployment = deployment, Call = call, Outcome = outcome, Activity = activity, Elapsed = elapsed };
    }
}
