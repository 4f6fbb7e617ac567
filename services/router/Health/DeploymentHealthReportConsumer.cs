using AiMesh.Router.Deployments;
using MassTransit;

namespace AiMesh.Router.Health;

/// <summary>
/// Takes another router replica's <see cref="DeploymentHealthReport"/> (on this replica's own queue, so every replica
/// hears every report): keeps it for the merge (<see cref="PeerHealth"/>) and opens here any circuit the peer reports
/// open (<see cref="CircuitBreakers.Adopt"/>), for the rest of its break.
/// </summary>
internal sealed class DeploymentHealthReportConsumer(PeerHealth peers, CircuitBreakers breakers, DeploymentCatalog catalog) : IConsumer<DeploymentHealthReport>
{
    public Task Consume(ConsumeContext<DeploymentHealthReport> context)
    {
        var report = context.Message;
        if (!peers.Accept(report))
        {
            return Task.CompletedTask;
        }

        foreach (var snapshot in report.Deployments)
        {
            if (snapshot.OpenForMs > 0 && snapshot.Circuit == "open" && catalog.Deployments.FirstOrDefault(d => d.Name == snapshot.Name) is { } deployment)
            {
                breakers.Adopt(deployment, TimeSpan.FromMilliseconds(snapshot.OpenForMs), snapshot.OpensInARow);
            }
        }

        return Task.CompletedTask;
    }
}
