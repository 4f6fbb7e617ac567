using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Errors;

namespace AiMesh.Router.Admission;

/// <summary>
/// Where a request waits for capacity (<see cref="AdmissionOptions"/>): <see cref="Routing.CallAttempts"/> hands it
/// each try at its group's deployments. When every deployment refuses and one of them only for capacity that comes back,
/// the request joins its line (<see cref="AdmissionLine"/>) instead of answering 429; while others of its priority or
/// higher wait, it joins behind them without trying first. Only the head tries again: when this replica gives capacity
/// of one of the line's deployments back, when the refusal's <c>Retry-After</c> has passed, and every
/// <see cref="AdmissionOptions.PollInterval"/> (other replicas give capacity back through Redis unheard). The line is
/// left as soon as capacity is held, before the call, so the next head tries at once.
/// <para>
/// Ends: capacity held (the call goes on, and its retries and fallbacks as ever); the wait bound passed — the request's
/// <see cref="AdmissionOptions.MaxWait"/> or its deadline less <see cref="AdmissionOptions.MinTimeForCall"/> — 429
/// <c>capacity_wait_timeout</c> with <c>Retry-After</c>, a refusal of the group like any, so its <c>Fallbacks</c> are
/// tried next; the line or the replica's lines full, 429 <c>capacity_queue_full</c> with <c>Retry-After</c> at once (429,
/// not 503: the deployments are well, only busy, which is what clients back off from); the client gone (or the replica
/// stopping), the cancellation leaves the line at once.
/// </para>
/// </summary>
internal sealed class AdmissionGate(AdmissionQueues queues, AdmissionMetrics metrics, TimeProvider time, ILogger<AdmissionGate> logger)
{
    /// <summary>Whether requests may wait at all (<see cref="AdmissionOptions.Enabled"/>, and room for waiters on the replica).</summary>
    public bool Enabled => queues.Enabled;

    /// <summary>Requests wait for capacity on this replica now: a shadow call (<see cref="Shadowing.ShadowTraffic"/>) must not take what they wait for.</summary>
    public bool AnyWaiting => queues.Waiting > 0;

    /// <summary>Capacity of <paramref name="deployment"/> was given back on this replica.</summary>
    public void Released(Deployment deployment) => queues.Released(deployment);

    /// <param name="model">The model group (a configured public model): names the line in logs and metrics.</param>
    /// <param name="candidates">The group's deployments for this request: their set is the line.</param>
    /// <param name="first">The deployment a refusal names when the request never tried any.</param>
    /// <param name="admitBy">The end of the request's waiting (<see cref="AdmissionOptions.MaxWait"/> after the router took it).</param>
    /// <param name="tryOnce">One try at the deployments; charges the capacity of the one that takes the call.</param>
    public async ValueTask<CapacityTry> AdmitAsync(
        string model, IReadOnlyList<Deployment> candidates, RouteCompletion request, Deployment first, DateTimeOffset admitBy,
        Func<CancellationToken, ValueTask<CapacityTry>> tryOnce, CancellationToken abandoned)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tryOnce);
        var settings = queues.Settings;
        var until = Min(admitBy, request.Deadline - settings.MinTimeForCall);

        // The line and the priority are looked up only when someone waits or this request must: most requests find
        // capacity and pay nothing for admission.
        AdmissionLine? line = null;
        var priority = 0;
        AdmissionTicket? ticket = null;
        System.Diagnostics.Activity? span = null;
        CapacityTry? last = null;
        var retryAt = DateTimeOffset.MinValue;
        try
        {
            // While anyone of this priority or higher waits, a newcomer joins behind them instead of trying first.
            if (queues.Waiting > 0 && until > time.GetUtcNow())
            {
                line = queues.LineFor(model, candidates);
                priority = queues.PriorityOf(request);
            }

            if (line is not null && line.HasWaitersAtOrAbove(priority))
            {
                ticket = Join(line, request, priority);
                if (ticket is null)
                {
                    return QueueFull(line, request, first, null);
                }

                span = AdmissionActivity.Start(model, request, priority);
            }

            while (true)
            {
                if (ticket is null || ticket.IsHead)
                {
                    last = await tryOnce(abandoned);
                    if (last.Refusal is null)
                    {
                        if (ticket is not null)
                        {
                            var waited = Waited(ticket);
                            metrics.Ended(model, AdmissionOutcomes.Admitted, waited);
                            span.Ended(AdmissionOutcomes.Admitted);
                            logger.AdmissionAdmitted(request.RequestId, last.Deployment.Name, waited.TotalMilliseconds);
                        }

                        return last;
                    }

                    if (!last.Full)
                    {
                        // Circuits open, a credential missing: failures, not capacity; answered at once as ever.
                        if (ticket is not null)
                        {
                            metrics.Ended(model, AdmissionOutcomes.Refused, Waited(ticket));
                            span.Ended(AdmissionOutcomes.Refused);
                        }

                        return last;
                    }

                    retryAt = time.GetUtcNow() + TimeSpan.FromSeconds(last.Refusal.RetryAfterSeconds ?? 1);
                    if (ticket is null)
                    {
                        if (until <= time.GetUtcNow())
                        {
                            return last;
                        }

                        if (line is null)
                        {
                            line = queues.LineFor(model, candidates);
                            priority = queues.PriorityOf(request);
                        }

                        ticket = Join(line, request, priority);
                        if (ticket is null)
                        {
                            return QueueFull(line, request, first, last);
                        }

                        span = AdmissionActivity.Start(model, request, priority);
                    }
                }

                var now = time.GetUtcNow();
                var remaining = until - now;
                if (remaining <= TimeSpan.Zero)
                {
                    var waited = Waited(ticket);
                    metrics.Ended(model, AdmissionOutcomes.TimedOut, waited);
                    span.Ended(AdmissionOutcomes.TimedOut);
                    logger.AdmissionTimedOut(request.RequestId, model, waited.TotalMilliseconds);
                    return TimedOut(request, first, last, waited);
                }

                var timeout = remaining;
                if (ticket.IsHead)
                {
                    // The head tries again when the refusal's Retry-After has passed, or at the next poll.
                    timeout = Min(timeout, retryAt - now < TimeSpan.Zero ? TimeSpan.Zero : retryAt - now);
                    if (settings.PollInterval > TimeSpan.Zero)
                    {
                        timeout = Min(timeout, settings.PollInterval);
                    }
                }

                await ticket.WaitAsync(timeout, time, abandoned);
            }
        }
        catch (OperationCanceledException) when (ticket is not null && abandoned.IsCancellationRequested)
        {
            var waited = Waited(ticket);
            metrics.Ended(model, AdmissionOutcomes.Abandoned, waited);
            span.Ended(AdmissionOutcomes.Abandoned);
            logger.AdmissionAbandoned(request.RequestId, model, waited.TotalMilliseconds);
            throw;
        }
        finally
        {
            // Leaving wakes the next head, whatever the reason.
            ticket?.Dispose();
            span?.Dispose();
        }
    }

    private AdmissionTicket? Join(AdmissionLine line, RouteCompletion request, int priority)
    {
        var ticket = line.TryJoin(request.RequestId, priority, time.GetTimestamp(), queues.Settings.MaxWaiting);
        if (ticket is not null)
        {
            metrics.Waited(line.Name);
            logger.AdmissionWaiting(request.RequestId, line.Name, priority, line.Count);
        }

        return ticket;
    }

    private CapacityTry QueueFull(AdmissionLine line, RouteCompletion request, Deployment first, CapacityTry? last)
    {
        var bound = line.Count >= queues.Settings.MaxWaiting ? "line" : "replica";
        metrics.Rejected(line.Name, bound);
        logger.AdmissionFull(request.RequestId, line.Name, bound);
        return new CapacityTry(last?.Deployment ?? first, new FailureDescription(429, ErrorTypes.RateLimit, ErrorCodes.CapacityQueueFull,
            $"Every deployment serving {request.Model} is at its capacity and too many requests are already waiting for it. Retry after the time in the Retry-After header.",
            CompletionOutcomes.Error, null, last?.Refusal?.RetryAfterSeconds ?? 1));
    }

    private static CapacityTry TimedOut(RouteCompletion request, Deployment first, CapacityTry? last, TimeSpan waited) =>
        new(last?.Deployment ?? first, new FailureDescription(429, ErrorTypes.RateLimit, ErrorCodes.CapacityWaitTimeout,
            $"Every deployment serving {request.Model} stayed at its capacity for the {Math.Round(waited.TotalSeconds, 1)} s the request could wait. Retry after the time in the Retry-After header.",
            CompletionOutcomes.Error, null, last?.Refusal?.RetryAfterSeconds ?? 1));

    private TimeSpan Waited(AdmissionTicket ticket) => time.GetElapsedTime(ticket.JoinedAt);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
