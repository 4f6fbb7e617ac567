using System.Diagnostics.Metrics;
using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Batching;
using AiMesh.Router.Configuration;
using AiMesh.Router.Routing;
using AiMesh.Router.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Reporting;

/// <summary>
/// The router's report of every route it handled (<see cref="RouterReport"/>), sent to metering in batches
/// (<see cref="RecordRouterReports"/>, persistent, on <c>aimesh-metering-reports</c>) by the shared
/// <see cref="BatchSender{T}"/>: the hot path only builds the record and enqueues it; one message per
/// <see cref="RouterOptions.ReportLinger"/> leaves, is confirmed by the broker, and is retried whole while it is not.
/// Drained at stop (registered after the bus, so it stops first). Metering keeps a report until the request's usage
/// event exists and writes the event from it when the ingress's record never comes (docs/architecture.md,
/// "Exactly one usage record per admitted request"). Instruments <c>aimesh.router.reports.*</c>.
/// </summary>
internal sealed class RouteReports : IHostedService, IDisposable
{
    /// <summary>At most this many reports in one message.</summary>
    public const int MaxBatch = 256;

    private readonly BatchSender<RouterReport> _sender;

    public RouteReports(IServiceProvider services, IOptions<RouterOptions> options, IMeterFactory meters, ILogger<RouteReports> logger)
    {
        // The bus is resolved at the first send: it is built after this service.
        _sender = new BatchSender<RouterReport>(
            async (reports, cancellationToken) =>
            {
                var endpoint = await services.GetRequiredService<IBus>().GetSendEndpoint(Endpoints.MeteringReportsAddress);
                await endpoint.Send(new RecordRouterReports(reports), cancellationToken);
            },
            new BatchSenderOptions("router reports", RouterMetrics.MeterName, "aimesh.router.reports", options.Value.ReportLinger, MaxBatch),
            meters,
            logger);
    }

    /// <summary>Reports waiting for the broker's confirm.</summary>
    public int Pending => _sender.Pending;

    /// <summary>Reports how the route ended, as answered.</summary>
    public void Report(RouteCompletion route, RouteResult result, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        if (result.Routed is { } routed)
        {
            _sender.Enqueue(Of(route, routed.Deployment, routed.Provider, routed.Attempts, result.BilledAttempts, CompletionOutcomes.Ok,
                routed.Status, null, routed.Usage, routed.Cost, routed.FirstByteMs, startedAt, endedAt));
        }
        else if (result.Failed is { } failed)
        {
            _sender.Enqueue(Of(route, failed.Deployment, failed.Provider, failed.Attempts, result.BilledAttempts, failed.Outcome,
                failed.Status, failed.Code, failed.Usage, failed.Cost, null, startedAt, endedAt));
        }
    }

    /// <summary>Reports a route whose handling threw (the bus faults it; the saga meters <c>router_failed</c>).</summary>
    public void Faulted(RouteCompletion route, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        _sender.Enqueue(Of(route, null, null, 0, 0, CompletionOutcomes.Error, 502, "router_failed", null, null, null, startedAt, endedAt));

    public Task StartAsync(CancellationToken cancellationToken) => _sender.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _sender.StopAsync(cancellationToken);

    public void Dispose() => _sender.Dispose();

    private static RouterReport Of(
        RouteCompletion route, string? deployment, string? provider, int attempts, int billed, string outcome, int status, string? code,
        TokenUsage? usage, Cost? cost, double? firstByteMs, DateTimeOffset startedAt, DateTimeOffset endedAt) => new(
        route.RequestId, route.PrincipalId ?? "", route.KeyId, route.TeamId, route.OrganizationId, route.Api, route.Model, deployment, provider,
        attempts, billed, outcome, status, code, usage, cost, firstByteMs, route.Stream, startedAt, endedAt, route.Deadline);
}
