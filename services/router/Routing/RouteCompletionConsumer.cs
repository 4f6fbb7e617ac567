using AiMesh.Contracts.Routing;
using AiMesh.Router.Errors;
using AiMesh.Router.Reporting;
using AiMesh.Router.Shadowing;
using AiMesh.Router.Telemetry;
using MassTransit;

namespace AiMesh.Router.Routing;

/// <summary>
/// Answers every <see cref="RouteCompletion"/> with <see cref="CompletionRouted"/> or <see cref="CompletionFailed"/>:
/// provider failures are answers, not exceptions, so none of them reaches the bus's fault handling. Every route it
/// handles, whatever its ending, is also reported to metering once (<see cref="RouteReports"/>), before the answer
/// leaves: the ingress holding the usage record may die before it records it. A request sampled for shadow traffic is
/// handed to <see cref="ShadowTraffic"/> after the answer left.
/// <para>
/// A route the broker delivers again (<c>Redelivered</c>: the replica that had it died, its connection gone before it
/// acknowledged) is answered 503 <c>route_interrupted</c> without a call (<see cref="FailureMapper.Interrupted"/>): the
/// dead replica may have called the provider and streamed part of the answer, so a second call could bill twice and
/// repeat text. Bus retries are off (<see cref="RouteCompletionConsumerDefinition"/>), so only the broker redelivers.
/// </para>
/// </summary>
internal sealed class RouteCompletionConsumer(
    CompletionRouter router, InFlightCalls calls, RouteReports reports, ShadowTraffic shadows, TimeProvider time, ILogger<RouteCompletionConsumer> logger)
    : IConsumer<RouteCompletion>
{
    public async Task Consume(ConsumeContext<RouteCompletion> context)
    {
        var route = context.Message;
        var started = time.GetUtcNow();
        RouteResult result;
        if (context.ReceiveContext.Redelivered)
        {
            logger.RouteRedelivered(route.RequestId);
            result = new RouteResult(null, FailureMapper.Rejected(route, FailureMapper.Interrupted()), 0);
            reports.Report(route, result, started, time.GetUtcNow());
            await context.RespondAsync(result.Failed!);
            return;
        }

        try
        {
            using var lease = calls.Begin(route.RequestId, context.CancellationToken);

            // The consume context sends the chunks, so they carry this request's conversation and trace headers.
            result = await router.RouteAsync(route, context, lease.Token);

            // Cancelled without the client asking: this replica is stopping. That is the gateway's failure, not a
            // client cancellation, and metering must not count it as one.
            if (result.Failed is { Outcome: CompletionOutcomes.Cancelled } cancelled && !lease.AbandonedByClient)
            {
                result = result with { Failed = FailureMapper.Stopping(cancelled) };
            }
        }
        catch (Exception)
        {
            // A fault: the bus faults the request and the saga meters it as router_failed; the report says the same.
            reports.Faulted(route, started, time.GetUtcNow());
            throw;
        }

        reports.Report(route, result, started, time.GetUtcNow());
        if (result.Routed is { } routed)
        {
            await context.RespondAsync(routed);
        }
        else
        {
            await context.RespondAsync(result.Failed!);
        }

        // Only once the answer has left: the shadow runs in the background and the client never waits for it.
        if (result.Shadow is { } shadow)
        {
            shadows.Start(shadow);
        }
    }
}
