using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Health;

/// <summary>
/// Publishes this replica's <see cref="DeploymentHealthReport"/> to every router replica each
/// <see cref="HealthOptions.ShareInterval"/>, and at once when one of its own circuits opens or closes, so a failing
/// deployment found by one replica gets no traffic from any (each reads them with
/// <see cref="DeploymentHealthReportConsumer"/>). Non-persistent, living three intervals: a broker that is down loses
/// reports, and the peers forget this replica until it reports again, each replica then deciding on what it sees alone.
/// A report that cannot be published is logged at Debug and skipped; the next is due within the interval.
/// </summary>
internal sealed class HealthReporter(
    IBus bus,
    DeploymentCatalog catalog,
    CircuitBreakers breakers,
    DeploymentStats stats,
    PeerHealth peers,
    IOptions<RouterOptions> options,
    TimeProvider time,
    ILogger<HealthReporter> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>This replica's deployments as it sees them now.</summary>
    public DeploymentHealthReport Report()
    {
        var interval = options.Value.Health.ShareInterval;
        var deployments = new List<DeploymentHealthSnapshot>(catalog.Deployments.Count);
        foreach (var deployment in catalog.Deployments)
        {
            var circuit = breakers.Snapshot(deployment);
            var (requests, tokens) = stats.LocalLastMinute(deployment);
            deployments.Add(new DeploymentHealthSnapshot(
                deployment.Name, stats.LocalInFlight(deployment), Math.Round(stats.LocalLatencyMs(deployment), 1), circuit.Calls, circuit.Failures,
                CircuitName(circuit.State), (long)circuit.OpenFor.TotalMilliseconds, circuit.OpensInARow, circuit.LastError, circuit.LastErrorAt, requests, tokens));
        }

        return new DeploymentHealthReport(peers.Self, time.GetUtcNow(), interval, deployments);
    }

    public static string CircuitName(CircuitState state) => state switch
    {
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half-open",
        _ => "closed",
    };

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Health.ShareInterval;
        if (interval <= TimeSpan.Zero || catalog.Deployments.Count == 0)
        {
            return;
        }

        breakers.Changed += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await wake.WaitAsync(interval, stoppingToken);
                try
                {
                    await bus.Publish(Report(), context =>
                    {
                        context.Durable = false;
                        context.TimeToLive = interval * 3;
                    }, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (logger.IsEnabled(LogLevel.Debug))
                    {
                        logger.HealthReportFailed(ex.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the peers forget this replica within three intervals.
        }
        finally
        {
            breakers.Changed -= Wake;
        }
    }

    private void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A report is due already.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
