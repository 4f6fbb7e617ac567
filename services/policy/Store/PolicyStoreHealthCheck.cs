using AiMesh.Policy.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiMesh.Policy.Store;

/// <summary>
/// Ready once the schema is current and the stored keys are in memory. It does not query the database: decisions
/// never wait on it, so a database that goes away after the load does not make policy unable to decide (the
/// periodic reload logs its failures and keeps the last good copy).
/// </summary>
internal sealed class PolicyStoreHealthCheck(SchemaState schema, StoredKeys keys) : IHealthCheck
{
    public const string Name = "policy-store";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !schema.IsReady ? HealthCheckResult.Unhealthy("The policy schema has not been brought to the current version yet.")
            : !keys.IsLoaded ? HealthCheckResult.Unhealthy("The stored keys have not been loaded yet.")
            : HealthCheckResult.Healthy());
}
