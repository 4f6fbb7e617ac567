using AiMesh.Hosting;
using AiMesh.Metering.Configuration;
using AiMesh.Metering.Projections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Storage;

/// <summary>
/// Creates the database and <c>usage_events</c> when they are missing. Registered before the bus, so on a
/// healthy start the table exists before the first message is consumed. A database that is down at start does
/// not stop the host: the first attempt is bounded, later ones run in the background with a growing delay, and
/// until one succeeds the readiness check reports unhealthy and the consumer refuses messages (they retry, then
/// fault to the error queue; the kill switch pauses the endpoint meanwhile).
/// A table from an older build gets the columns added since, by <see cref="SchemaColumns"/> (nullable ones only).
/// </summary>
internal sealed class SchemaInitializer(
    IServiceScopeFactory scopes,
    SchemaState state,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    ILogger<SchemaInitializer> logger) : RetryingStartup(time)
{
    protected override async Task<bool> TryOnceAsync(int attempt, TimeSpan nextDelay, CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        try
        {
            MeteringDatabase.PrepareStorage(database);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }

            var created = false;
            if (!await MeteringDatabase.TableExistsAsync(db, cancellationToken))
            {
                // Two replicas racing here: the loser fails on "already exists" and finds the table on its next attempt.
                await creator.CreateTablesAsync(cancellationToken);
                created = true;
            }
            else if (await SchemaColumns.AddMissingAsync(db, cancellationToken) is { Count: > 0 } added)
            {
                MeteringLog.ColumnsAdded(logger, database.Provider, string.Join(", ", added));
            }

            // The projection (see UsageRollupTable). Made beside a log that already holds events (an older build's),
            // it starts empty: those events count once `./aimesh metering rebuild-projections` has replayed them.
            if (await UsageRollupTable.EnsureAsync(db, cancellationToken) && !created && await db.UsageEvents.AnyAsync(cancellationToken))
            {
                MeteringLog.RollupsNeedRebuild(logger, database.Provider);
            }

            // Bodies kept by body logging, beside their events (see UsageBodyTable); an older table gets the rendered body's columns.
            if (await UsageBodyTable.EnsureAsync(db, cancellationToken) is { Count: > 0 } bodyColumns)
            {
                MeteringLog.BodyColumnsAdded(logger, database.Provider, string.Join(", ", bodyColumns));
            }

            // The routers' reports, kept until their request's usage event exists (see UsageReconciler).
            await RouterReportTable.EnsureAsync(db, cancellationToken);

            // Step 5: the shadow traffic's results, apart from the usage log (see ShadowResultTable).
            await ShadowResultTable.EnsureAsync(db, cancellationToken);

            // The feedback step: one score per request, joined to its usage event by request id (see FeedbackTable).
            await Feedback.FeedbackTable.EnsureAsync(db, cancellationToken);

            if (db.Database.IsSqlite())
            {
                // WAL lets the readiness probe and readers run beside the writer. EF sets it on files it creates;
                // this covers a file that existed before. The setting persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            state.MarkReady();
            MeteringLog.SchemaReady(logger, database.Provider, created);
            return true;
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            return false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever the cause (server down, folder not writable, timeout), the answer is the same: report
            // not ready and try again later. The exception is logged, not swallowed.
            MeteringLog.SchemaUnavailable(logger, exception, database.Provider, attempt, nextDelay);
            return false;
        }
    }
}
