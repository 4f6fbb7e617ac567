using System.Diagnostics.Metrics;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Errors;
using AiMesh.Router.Pricing;
using AiMesh.Router.Routing;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Shadowing;

/// <summary>
/// Shadow traffic (issue 6): a share of the requests a model group answered (<c>Router:Models:{model}:Shadow</c>) is also
/// sent to a candidate group, and the two answers are recorded side by side (<see cref="ShadowResult"/>, sent by
/// <see cref="ShadowResults"/>). The candidate's answer never reaches the client.
/// <list type="bullet">
/// <item><b>After the primary, never before the client.</b> Sampled when the primary's answer is shaped (the group that
/// answered is known only then: rules, splits and fallbacks chose it), started by the consumer once the answer has left
/// (<see cref="Start"/>), and run in the background. Starting after the primary rather than beside it keeps the
/// candidate off the primary's deployments' and provider's load while the client waits, at the price of the candidate
/// seeing the request a little later (its own latency is measured from its own start, so the comparison holds).</item>
/// <item><b>One plain call.</b> The client's body, not streamed (<c>stream</c> and <c>stream_options</c> dropped), to the
/// candidate group's deployments in its strategy's order through the same adapters, transport, circuits, deployment
/// limits and credentials as any call (<see cref="CallAttempts"/>, one attempt); the first deployment that can take it is
/// called. No retry, no fallback, nothing taken from the retry budget, no chunk to any sink (<see cref="NoChunkSink"/>),
/// and the request's allowed regions hold. Its deadline is its own (<see cref="ShadowOptions.Timeout"/>).</item>
/// <item><b>Bounded.</b> At most <see cref="ShadowOptions.MaxConcurrent"/> run at once: a sampled request finding them
/// busy is not shadowed (counted, never queued). Cancelled at stop; a cancelled shadow records nothing.</item>
/// <item><b>What is recorded.</b> An answer or a failure of the candidate, with the status and error code the gateway
/// would have answered; every deployment refusing it (circuit open, capacity full, credential missing) or none being
/// allowed is recorded too, without a deployment (<see cref="ShadowResult.ShadowDeployment"/> null) and counted as
/// skipped. Not recorded: a full pool, a stopping replica.</item>
/// </list>
/// Nothing here touches what the client receives: the primary's answer, its report (<c>RouterReport</c>) and its usage
/// record are made before and without it. The candidate's cost is reported, never charged to the key.
/// </summary>
internal sealed class ShadowTraffic : IHostedService, IDisposable
{
    private readonly Dictionary<string, (string Target, double Percent)> targets = new(StringComparer.Ordinal);
    private readonly IDeploymentSelector selector;
    private readonly CallCost costs;
    private readonly ShadowResults results;
    private readonly TimeProvider time;
    private readonly ILogger<ShadowTraffic> logger;
    private readonly ShadowMetrics metrics;
    private readonly int maxConcurrent;
    private readonly TimeSpan timeout;
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int running;

    public ShadowTraffic(
        IOptions<RouterOptions> options, IDeploymentSelector selector, CallCost costs, ShadowResults results, TimeProvider time, IMeterFactory meters,
        ILogger<ShadowTraffic> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.selector = selector;
        this.costs = costs;
        this.results = results;
        this.time = time;
        this.logger = logger;
        var settings = options.Value;
        maxConcurrent = settings.Shadow.MaxConcurrent;
        timeout = settings.Shadow.Timeout;
        foreach (var (model, group) in settings.Models)
        {
            if (group.Shadow is { Model: { } target, Percent: > 0 } shadow)
            {
                targets[model] = (target, shadow.Percent);
            }
        }

        metrics = new ShadowMetrics(meters, () => Volatile.Read(ref running));
    }

    /// <summary>Shadow calls running now.</summary>
    public int Running => Volatile.Read(ref running);

    /// <summary>
    /// Whether this request, answered by <paramref name="model"/>'s group, is also sent to its candidate: each request on
    /// its own, with the configured chance (not sticky: the comparison wants a sample of requests, not of callers).
    /// </summary>
    /// <returns>The candidate model; null when the request is not shadowed.</returns>
    public string? Sample(string model)
    {
        if (targets.Count == 0 || !targets.TryGetValue(model, out var shadow))
        {
            return null;
        }

        return Random.Shared.NextDouble() * 100 < shadow.Percent ? shadow.Target : null;
    }

    /// <summary>
    /// Starts the shadow of a sampled request in the background and returns at once; called once the client's answer
    /// has left. A full pool or a stopping replica: not shadowed, counted.
    /// </summary>
    public void Start(PrimaryCall primary)
    {
        ArgumentNullException.ThrowIfNull(primary);
        if (stopping.IsCancellationRequested)
        {
            Skip(primary, ShadowMetrics.Stopping);
            return;
        }

        if (Interlocked.Increment(ref running) > maxConcurrent)
        {
            Exit();
            Skip(primary, ShadowMetrics.PoolFull);
            return;
        }

        // The consumer has answered; the call runs on the pool, never on the consumer's time.
        _ = Task.Run(() => RunAsync(primary), CancellationToken.None);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Cancels the running shadow calls and waits until they have ended (none records anything).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (Volatile.Read(ref running) == 0)
        {
            drained.TrySetResult();
        }

        await drained.Task.WaitAsync(cancellationToken);
    }

    public void Dispose() => stopping.Dispose();

    private async Task RunAsync(PrimaryCall primary)
    {
        var route = primary.Route;
        try
        {
            if (stopping.IsCancellationRequested)
            {
                Skip(primary, ShadowMetrics.Stopping);
                return;
            }

            using var span = RouterActivity.StartShadow(route, primary.ShadowModel);
            await CallAsync(primary, stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            metrics.Failed(primary.ShadowModel, StatusCodes.Status499ClientClosedRequest);
            logger.ShadowCancelled(route.RequestId, primary.ShadowModel);
        }
        catch (Exception exception)
        {
            // A background call has no one to fault to: logged and counted, and the client was never concerned.
            metrics.Failed(primary.ShadowModel, StatusCodes.Status500InternalServerError);
            logger.ShadowFaulted(route.RequestId, primary.ShadowModel, exception);
        }
        finally
        {
            Exit();
        }
    }

    private async Task CallAsync(PrimaryCall primary, CancellationToken cancellationToken)
    {
        var route = primary.Route;
        var model = primary.ShadowModel;
        var constraints = route.Regions is { } regions ? new RouteConstraints(regions) : RouteConstraints.None;
        var candidates = selector.Candidates(model, route.Api, constraints);
        if (candidates.Count == 0)
        {
            var none = constraints.RestrictsRegions && selector.Candidates(model, route.Api).Count > 0
                ? FailureMapper.RegionNotAllowed(model)
                : FailureMapper.ModelNotFound(model, route.Api);
            Skip(primary, ShadowMetrics.NoDeployment);
            Record(primary, null, none.Status, none.Code, 0, null, null, null);
            return;
        }

        // The client's request as it came (the primary's adapter may have changed its parsed copy), not streamed.
        var body = ClientRequest.TryParse(route.Body) ?? throw new InvalidOperationException("The request's body no longer parses.");
        body.Remove("stream");
        body.Remove("stream_options");
        var shadowRoute = route with
        {
            Model = model,
            Stream = false,
            StreamAddress = null,
            StreamChannel = null,
            Deadline = time.GetUtcNow() + timeout,
        };

        // Capacity that clients' requests wait for is theirs: the shadow is skipped (recorded as nothing, counted), and
        // it never waits itself (no AdmitBy: its CallAttempts does not join a line).
        if (primary.Services.Admission.AnyWaiting)
        {
            Skip(primary, ShadowMetrics.Waiters);
            return;
        }

        var attempts = new CallAttempts(shadowRoute, body, candidates, NoChunkSink.Instance, primary.Services) { CallLimit = 1 };
        var attempt = await attempts.NextAsync(cancellationToken);
        using var activity = attempt.Activity;
        if (attempt.Refusal is { } refusal)
        {
            Skip(primary, ShadowMetrics.Refused);
            Record(primary, null, refusal.Status, refusal.Code, 0, null, costs.Of(attempt.Deployment, null, null), null);
            return;
        }

        metrics.Started(primary.Model, model);
        var deployment = attempt.Deployment;
        var outcome = attempt.Outcome!;
        var durationMs = attempt.Elapsed.TotalMilliseconds;
        if (outcome.Failure is { Kind: FailureKind.Cancelled })
        {
            // Only the replica stopping cancels a shadow: no client waits on it.
            metrics.Failed(model, StatusCodes.Status499ClientClosedRequest);
            logger.ShadowCancelled(route.RequestId, model);
            return;
        }

        var cost = costs.Of(deployment, attempt.Call, outcome);
        if (outcome.Failure is { } failure)
        {
            var described = FailureMapper.Describe(failure, deployment, stream: false);
            metrics.Failed(model, described.Status);
            logger.ShadowFailed(route.RequestId, model, deployment.Name, described.Status, described.Code, durationMs);
            Record(primary, deployment.Name, described.Status, described.Code, durationMs, outcome.Usage, cost, null);
            return;
        }

        var similarity = TextSimilarity.Cosine(primary.Text(), AnswerText.OfAnswer(route.Api, outcome.Body));
        if (similarity is { } score)
        {
            metrics.Compared(primary.Model, model, score);
        }

        logger.ShadowAnswered(route.RequestId, model, deployment.Name, durationMs, primary.DurationMs, similarity);
        Record(primary, deployment.Name, StatusCodes.Status200OK, null, durationMs, outcome.Usage, cost, similarity);
    }

    private void Record(PrimaryCall primary, string? deployment, int status, string? code, double durationMs, TokenUsage? usage, Cost? cost, double? similarity)
    {
        var route = primary.Route;
        results.Record(new ShadowResult(
            route.RequestId, route.KeyId, route.TeamId, route.OrganizationId, route.Api, route.Model,
            primary.Model, primary.Deployment, primary.Status, primary.DurationMs, primary.Usage, primary.Cost,
            primary.ShadowModel, deployment, status, code, durationMs, usage, cost, similarity,
            primary.StartedAt, time.GetUtcNow()));
    }

    private void Skip(PrimaryCall primary, string reason)
    {
        metrics.Skipped(primary.ShadowModel, reason);
        logger.ShadowSkipped(primary.Route.RequestId, primary.ShadowModel, reason);
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref running) == 0 && stopping.IsCancellationRequested)
        {
            drained.TrySetResult();
        }
    }
}
