using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiMesh.Ingress.Instance;

/// <summary>Ready only while requests would be taken: the same gate new requests pass (see <see cref="BusHealth"/>).</summary>
internal sealed class InstanceReadyCheck(BusHealth bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus.IsHealthy
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The ingress cannot carry requests over the bus now."));
}
