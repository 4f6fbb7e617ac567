using AiMesh.Hosting;
using AiMesh.Prompts.Store.Migrations;
using AiMesh.Prompts.Templates;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Store;

/// <summary>
/// Creates the database when it is missing and brings the registry's schema to its latest version
/// (<see cref="SchemaMigrator"/>: versioned steps, one journal, safe when replicas start together). A database that is
/// down at start does not stop the host: requests naming configured templates are served meanwhile, and stored prompts
/// appear once an attempt succeeds and the catalog loads.
/// </summary>
internal sealed class SchemaInitializer(
    IServiceScopeFactory scopes,
    StoreState state,
    IOptions<PromptsOptions> options,
    TimeProvider time,
    ILogger<SchemaInitializer> logger) : RetryingStartup(time)
{
    protected override async Task<bool> TryOnceAsync(int attempt, TimeSpan nextDelay, CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        try
        {
            PromptsDatabase.PrepareStorage(database);
            await using (var scope = scopes.CreateAsyncScope())
            {
                // A PostgreSQL database of its own (the default in tests, a choice in deployments) is created here. Two
                // replicas racing: the loser fails on "already exists" and finds the database on its next attempt.
                var creator = scope.ServiceProvider.GetRequiredService<PromptsDbContext>().GetService<IRelationalDatabaseCreator>();
                if (!await creator.ExistsAsync(cancellationToken))
                {
                    await creator.CreateAsync(cancellationToken);
                }
            }

            var applied = await SchemaMigrator.MigrateAsync(database, Time, cancellationToken);
            state.MarkReady();
            PromptsLog.SchemaReady(logger, database.Provider, SchemaMigrations.Latest, applied.Count);
            return true;
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever the cause (server down, folder not writable, timeout): not ready, try again later. Logged.
            PromptsLog.SchemaUnavailable(logger, exception, database.Provider, attempt, nextDelay);
            return false;
        }
    }
}
