using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiMesh.Metering.Storage;

/// <summary>Ready when the schema is in place and the database answers <c>SELECT 1</c> within a short time.</summary>
internal sealed class MeteringDatabaseHealthCheck(IServiceScopeFactory scopes, SchemaState schema) : IHealthCheck
{
    public const string Name = "metering-database";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!schema.IsReady)
        {
            return HealthCheckResult.Unhealthy("The usage_events schema has not been created or found yet.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return HealthCheckResult.Unhealthy("The metering database did not answer.", exception);
        }
    }
}
