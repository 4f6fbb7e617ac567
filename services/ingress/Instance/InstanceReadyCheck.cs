using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiMesh.Ingress.Instance;

/// <summary>Ready only once this instance's own endpoint listens: before that no answer could reach a client.</summary>
internal sealed class InstanceReadyCheck(IngressInstance instance) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(instance.Address is null
            ? HealthCheckResult.Unhealthy("The ingress instance endpoint is not listening yet.")
            : HealthCheckResult.Healthy());
}
