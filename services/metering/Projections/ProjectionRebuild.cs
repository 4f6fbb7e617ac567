using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AiMesh.Metering.Projections;

/// <summary>
/// Recomputes <c>usage_rollups</c> from <c>usage_events</c>: empties the table, then replays the events in sequence
/// order, <see cref="ChunkSize"/> at a time, each chunk folded in memory and upserted as the live writer does.
/// <para>
/// Safe while metering runs, because it is one transaction that first takes the write lock: on PostgreSQL
/// <c>LOCK TABLE usage_events IN SHARE MODE</c> (inserts wait; taken before the rollups, the order the writer uses, so
/// no deadlock), on SQLite the database's write lock (<c>BEGIN IMMEDIATE</c>). Batches stored meanwhile wait for the
/// rebuild to commit (on SQLite at most the connection's busy timeout, after which they fail and the bus retries them),
/// and then add to the rebuilt rows. No event is missed or counted twice; readers see the old rollups until the commit.
/// </para>
/// </summary>
internal static class ProjectionRebuild
{
    public const int ChunkSize = 2_000;

    /// <returns>How many events were replayed and how many rollup rows they made.</returns>
    public static async Task<(long Events, long Rows)> RunAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"LOCK TABLE {UsageEventMap.Table} IN SHARE MODE", cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"LOCK TABLE {UsageRollupTable.Name} IN EXCLUSIVE MODE", cancellationToken);
        }

        await db.Database.ExecuteSqlRawAsync($"DELETE FROM {UsageRollupTable.Name}", cancellationToken);
        var connection = db.Database.GetDbConnection();
        var builder = new UsageRollupBuilder();
        long events = 0;
        var after = 0L;
        while (true)
        {
            var chunk = await db.UsageEvents.AsNoTracking()
                .Where(e => e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(ChunkSize)
                .ToListAsync(cancellationToken);
            if (chunk.Count == 0)
            {
                break;
            }

            builder.Clear();
            chunk.ForEach(builder.Add);
            var upsert = builder.Rows();
            await UsageRollupTable.UpsertAsync(connection, transaction.GetDbTransaction(), upsert, cancellationToken);
            events += chunk.Count;
            after = chunk[^1].Sequence;
        }

        await transaction.CommitAsync(cancellationToken);
        return (events, await CountRowsAsync(db, cancellationToken));
    }

    private static async Task<long> CountRowsAsync(MeteringDbContext db, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<long>($"SELECT COUNT(*) AS \"Value\" FROM {UsageRollupTable.Name}").SingleAsync(cancellationToken);
}
