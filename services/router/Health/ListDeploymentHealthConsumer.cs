using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Telemetry;
using MassTransit;

namespace AiMesh.Router.Health;

/// <summary>
/// Answers <c>/admin/deployments</c> (<see cref="ListDeploymentHealth"/>, sent to the router's shared queue, so any replica
/// answers): this replica's view of each deployment merged with every current peer report (<see cref="PeerHealth"/>).
/// </summary>
internal sealed class ListDeploymentHealthConsumer(HealthReporter reporter, PeerHealth peers, DeploymentCatalog catalog, ILogger<ListDeploymentHealthConsumer> logger)
    : IConsumer<ListDeploymentHealth>
{
    public async Task Consume(ConsumeContext<ListDeploymentHealth> context)
    {
        var own = reporter.Report();
        var rows = new List<DeploymentHealth>(own.Deployments.Count);
        for (var i = 0; i < own.Deployments.Count; i++)
        {
            var deployment = catalog.Deployments[i];
            var views = peers.Of(deployment.Name).Select(p => p.Snapshot).Prepend(own.Deployments[i]).ToList();
            var open = views.Where(v => v.Circuit == "open").ToList();
            var circuit = open.Count > 0 ? "open" : views.Any(v => v.Circuit == "half-open") ? "half-open" : "closed";
            var latencies = views.Where(v => v.LatencyMs > 0).Select(v => v.LatencyMs).ToList();
            var (calls, failures) = (views.Sum(v => v.Calls), views.Sum(v => v.Failures));
            var last = views.Where(v => v.LastErrorAt is not null).MaxBy(v => v.LastErrorAt);
            rows.Add(new DeploymentHealth(
                deployment.Name, deployment.Model, deployment.Provider, deployment.Priority, deployment.Weight, circuit,
                open.Count > 0 ? Math.Round(open.Min(v => v.OpenForMs) / 1000.0, 1) : null, open.Count,
                views.Sum(v => v.InFlight), latencies.Count > 0 ? Math.Round(latencies.Average(), 1) : null, calls, failures,
                calls > 0 ? Math.Round((double)failures / calls, 3) : null, last?.LastError, last?.LastErrorAt));
        }

        logger.DeploymentHealthListed(context.Message.RequestId, rows.Count, peers.Count + 1);
        await context.RespondAsync(new DeploymentHealthListed(context.Message.RequestId, own.At, peers.Count + 1, rows));
    }
}
