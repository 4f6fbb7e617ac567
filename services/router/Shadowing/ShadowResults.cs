using System.Diagnostics.Metrics;
using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Hosting.Batching;
using AiMesh.Router.Configuration;
using AiMesh.Router.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Shadowing;

/// <summary>
/// The <see cref="ShadowResult"/>s of this replica, sent to metering in batches (<see cref="RecordShadowResults"/>,
/// persistent, on <c>aimesh-metering-reports</c>) by the shared <see cref="BatchSender{T}"/>, exactly as
/// <see cref="Reporting.RouteReports"/> sends the router's reports: one message per <see cref="RouterOptions.ReportLinger"/>,
/// confirmed by the broker and retried whole while it is not. Registered after the bus (so it stops, and drains, before
/// it) and before <see cref="ShadowTraffic"/> (so the shadows cancelled at stop are not waited for by a stopped sender).
/// Instruments <c>aimesh.router.shadow.results.*</c>.
/// </summary>
internal sealed class ShadowResults : IHostedService, IDisposable
{
    /// <summary>At most this many results in one message.</summary>
    public const int MaxBatch = 256;

    private readonly BatchSender<ShadowResult> _sender;

    public ShadowResults(IServiceProvider services, IOptions<RouterOptions> options, IMeterFactory meters, ILogger<ShadowResults> logger)
    {
        // The bus is resolved at the first send: it is built after this service.
        _sender = new BatchSender<ShadowResult>(
            async (results, cancellationToken) =>
            {
                var endpoint = await services.GetRequiredService<IBus>().GetSendEndpoint(Endpoints.MeteringReportsAddress);
                await endpoint.Send(new RecordShadowResults(results), cancellationToken);
            },
            new BatchSenderOptions("shadow results", RouterMetrics.MeterName, "aimesh.router.shadow.results", options.Value.ReportLinger, MaxBatch),
            meters,
            logger);
    }

    /// <summary>Results waiting for the broker's confirm.</summary>
    public int Pending => _sender.Pending;

    public void Record(ShadowResult result) => _sender.Enqueue(result);

    public Task StartAsync(CancellationToken cancellationToken) => _sender.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _sender.StopAsync(cancellationToken);

    public void Dispose() => _sender.Dispose();
}
