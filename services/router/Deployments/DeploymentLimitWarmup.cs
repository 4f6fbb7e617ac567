namespace AiMesh.Router.Deployments;

/// <summary>Makes the deployment-limit stores (and so the Redis connection) while the router starts, not on its first call.</summary>
internal sealed class DeploymentLimitWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<DeploymentLimitStores>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
