using AiMesh.Hosting;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Store.Migrations;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Store;

/// <summary>
/// Applies the schema migrations at start, before the key cache loads and before the bus starts. A database that
/// is down at start does not stop the host: the first attempt is bounded, later ones run in the background with a
/// growing delay (<see cref="RetryingStartup"/>), and until one succeeds readiness reports unhealthy. Configured
/// keys (<c>Policy:Keys</c>) are served meanwhile; stored keys are not (the cache has not loaded).
/// </summary>
internal sealed class SchemaInitializer(
    SchemaState state,
    IOptions<PolicyOptions> options,
    TimeProvider time,
    ILogger<SchemaInitializer> logger) : RetryingStartup(time)
{
    protected override async Task<bool> TryOnceAsync(int attempt, TimeSpan nextDelay, CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        try
        {
            var applied = await SchemaMigrator.MigrateAsync(database, Time, cancellationToken);
            state.MarkReady();
            PolicyLog.SchemaReady(logger, database.Provider, SchemaMigrations.Latest, applied.Count);
            return true;
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever the cause (server down, folder not writable, timeout), the answer is the same: not ready,
            // try again later. The exception is logged, not swallowed.
            PolicyLog.SchemaUnavailable(logger, exception, database.Provider, attempt, nextDelay);
            return false;
        }
    }
}
