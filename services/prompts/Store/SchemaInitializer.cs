using AiMesh.Hosting;
using AiMesh.Prompts.Chains;
using AiMesh.Prompts.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Store;

/// <summary>
/// Creates the database and the registry's tables when they are missing (metering's approach). A database that is
/// down at start does not stop the host: requests naming configured templates are served meanwhile, and stored
/// prompts appear once an attempt succeeds and the catalog loads.
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
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PromptsDbContext>();
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }

            var created = false;
            if (!await PromptsDatabase.TableExistsAsync(db, cancellationToken))
            {
                // Two replicas racing here: the loser fails on "already exists" and finds the tables on its next attempt.
                await creator.CreateTablesAsync(cancellationToken);
                created = true;
            }
            else
            {
                await PromptsDatabase.EnsureApisTableAsync(db, cancellationToken);
            }

            // The splits step: a registry made before experiments gets their table (see PromptSplitTable).
            await PromptSplitTable.EnsureAsync(db, cancellationToken);

            // Schema steps for tables added after the registry's first release (each idempotent).
            await ChainSchema.EnsureAsync(db, cancellationToken);

            if (db.Database.IsSqlite())
            {
                // WAL: the catalog's reloads read beside a writer.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            state.MarkReady();
            PromptsLog.SchemaReady(logger, database.Provider, created);
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
