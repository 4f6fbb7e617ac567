using System.Text;
using System.Threading.Channels;
using AiMesh.Contracts.Metering;
using AiMesh.Metering.Projections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AiMesh.Metering.Storage;

/// <summary>
/// Group commit for usage rows: every consumer hands its row here and waits; one writer takes whatever rows are
/// waiting (at most <see cref="MaxBatch"/>) and stores them with one statement,
/// <c>INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING RETURNING request_id, sequence</c>, on either provider. Under
/// load that turns dozens of single-row transactions into one; when the endpoint is idle a row is written alone at
/// once, so it adds no delay. Each consumer still gets its own outcome: a row the statement did not return was refused
/// by a unique index (its request id, or the event id that follows from it, is stored already: a redelivery), and its
/// consumer takes the idempotent path; a database failure reaches every waiting consumer, whose message then retries or
/// faults on its own.
/// <para>
/// Hand-written rather than EF Core's <c>SaveChanges</c>, which sends one <c>INSERT … RETURNING</c> per row with a
/// parameter object per column and, on a unique violation, had to fail the whole batch and write it again row by row.
/// The columns, their names and how each value becomes a parameter still come from the EF Core model
/// (<see cref="UsageEventMap"/>), so the mapping has one definition.
/// </para>
/// <para>
/// In the same transaction the rows the insert returned (new ones only) are folded into <c>usage_rollups</c>
/// (<see cref="UsageRollupBuilder"/>, <see cref="UsageRollupTable"/>): the projection is exact by construction. What that
/// adds per batch: one more statement (one per 500 rollup rows), at most seven rows per event before aggregation, and a
/// transaction around both statements.
/// </para>
/// <para>
/// Bodies kept by body logging go into <c>usage_bodies</c> (<see cref="UsageBodyTable"/>) in the same transaction, for the
/// rows the insert returned only: a body is stored exactly when its event is, and a redelivery adds none.
/// </para>
/// </summary>
internal sealed class UsageBatchWriter : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly IServiceScopeFactory scopes;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<int, string> statements = [];
    private readonly Task writer;
    private IProperty[]? columns;

    private readonly MeteringMetrics metrics;

    public UsageBatchWriter(IServiceScopeFactory scopes, MeteringMetrics metrics)
    {
        this.scopes = scopes;
        this.metrics = metrics;
        writer = Task.Run(WriteAllAsync);
    }

    /// <summary>Stores <paramref name="usageEvent"/> (with its <paramref name="bodies"/>, when kept) and sets its <see cref="UsageEvent.Sequence"/>.</summary>
    /// <returns>False when the store holds this request's event already (nothing was written).</returns>
    public Task<bool> InsertAsync(UsageEvent usageEvent, CancellationToken cancellationToken, UsageBodies? bodies = null)
    {
        var pending = new Pending(usageEvent, bodies);
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        return pending.Stored.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
    }

    private async Task WriteAllAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                // A request id returned goes to the first of its rows; a second row of the same request in one batch (a
                // redelivery that caught up with its original) is the one the index refused.
                var stored = await SaveAsync(batch);
                metrics.Inserted(batch.Count);
                foreach (var pending in batch)
                {
                    var inserted = stored.Remove(pending.Event.RequestId, out var sequence);
                    if (inserted)
                    {
                        pending.Event.Sequence = sequence;
                    }

                    pending.Stored.TrySetResult(inserted);
                }
            }
            catch (Exception exception)
            {
                // The writer loop must outlive any one batch; every waiting consumer gets the failure as its own.
                batch.ForEach(p => p.Stored.TrySetException(exception));
            }
        }
    }

    private async Task<Dictionary<Guid, long>> SaveAsync(List<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
        var properties = columns ??= Columns(db);
        var sql = db.GetService<ISqlGenerationHelper>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            // The rows and the rollups they add commit together or not at all: a row counts in the projection exactly
            // when it is stored, and a redelivery, which the insert does not return, never counts twice.
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Statement(sql, properties, batch.Count);
            var index = 0;
            foreach (var pending in batch)
            {
                foreach (var property in properties)
                {
                    var mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
                    command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName("p" + index++), property.GetGetter().GetClrValue(pending.Event), property.IsNullable));
                }
            }

            var stored = new Dictionary<Guid, long>(batch.Count);
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
            {
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    stored[reader.GetGuid(0)] = reader.GetInt64(1);
                }
            }

            var rollups = new UsageRollupBuilder();
            var counted = new HashSet<Guid>(stored.Count);
            foreach (var pending in batch)
            {
                if (stored.ContainsKey(pending.Event.RequestId) && counted.Add(pending.Event.RequestId))
                {
                    rollups.Add(pending.Event);
                }
            }

            await UsageRollupTable.UpsertAsync(connection, transaction, rollups.Rows(), CancellationToken.None);
            var withBodies = batch.Where(p => p.Bodies is not null && stored.ContainsKey(p.Event.RequestId)).DistinctBy(p => p.Event.RequestId).ToList();
            if (withBodies.Count > 0)
            {
                await UsageBodyTable.InsertAsync(
                    connection, transaction, withBodies.Select(p => (p.Event.RequestId, p.Bodies!, p.Event.RecordedAt)), CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
            return stored;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Every mapped column but the generated sequence, in model order.</summary>
    private static IProperty[] Columns(MeteringDbContext db) =>
        [.. db.Model.FindEntityType(typeof(UsageEvent))!.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never)];

    private string Statement(ISqlGenerationHelper sql, IProperty[] properties, int rows)
    {
        if (statements.TryGetValue(rows, out var cached))
        {
            return cached;
        }

        var table = StoreObjectIdentifier.Table(UsageEventMap.Table);
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(UsageEventMap.Table)).Append(" (")
            .AppendJoin(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))
            .Append(") VALUES ");
        var index = 0;
        for (var row = 0; row < rows; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < properties.Length; column++)
            {
                text.Append(column == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder("p" + index++));
            }

            text.Append(')');
        }

        text.Append(" ON CONFLICT DO NOTHING RETURNING ")
            .Append(sql.DelimitIdentifier(Column(properties[0].DeclaringType, nameof(UsageEvent.RequestId), table))).Append(", ")
            .Append(sql.DelimitIdentifier(Column(properties[0].DeclaringType, nameof(UsageEvent.Sequence), table)));
        return statements[rows] = text.ToString();
    }

    private static string Column(ITypeBase entity, string property, StoreObjectIdentifier table) =>
        entity.FindProperty(property)!.GetColumnName(table)!;

    private sealed class Pending(UsageEvent usageEvent, UsageBodies? bodies)
    {
        public UsageEvent Event { get; } = usageEvent;

        public UsageBodies? Bodies { get; } = bodies;

        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
