using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Metering;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AiMesh.Metering.Storage;

/// <summary>
/// <c>router_reports</c>: the routers' reports (<see cref="RouterReport"/>) of requests whose usage event may still
/// be missing, kept until it exists. Written by hand like <c>usage_rollups</c> (only batch inserts, set deletes and one
/// ordered read): <c>request_id</c> (the primary key, of <c>usage_events.request_id</c>'s store type so the two join),
/// <c>deadline</c> and <c>received_at</c> (Unix milliseconds), and the report itself as JSON text (read back whole, only
/// to recover an event). Small by construction: the reconciler deletes every report whose event exists
/// (<see cref="Recording.UsageReconciler"/>).
/// </summary>
internal static class RouterReportTable
{
    public const string Name = "router_reports";

    /// <summary>Rows per insert or delete statement: far below both providers' parameter limits.</summary>
    public const int RowsPerStatement = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string CreateIndex = $"CREATE INDEX IF NOT EXISTS ix_{Name}_deadline ON {Name} (deadline)";

    private static readonly string DeleteRecorded =
        $"DELETE FROM {Name} WHERE EXISTS (SELECT 1 FROM {UsageEventMap.Table} u WHERE u.request_id = {Name}.request_id AND u.source IS NULL)";

    /// <returns>Whether the table was missing (and is now created).</returns>
    public static async Task<bool> EnsureAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        if (await MeteringDatabase.TableExistsAsync(db, Name, cancellationToken))
        {
            return false;
        }

        // Two replicas racing: IF NOT EXISTS lets both succeed (PostgreSQL may still refuse the loser's catalog insert,
        // which fails that start attempt; the next finds the table).
        // Constant text: the table's name and the model's store type, never anything from a message.
        var create = $"CREATE TABLE IF NOT EXISTS {Name} (request_id {RequestId(db).GetRelationalTypeMapping().StoreType} NOT NULL PRIMARY KEY, "
            + "deadline BIGINT NOT NULL, received_at BIGINT NOT NULL, report TEXT NOT NULL)";
        await db.Database.ExecuteSqlRawAsync(create, cancellationToken);
        await db.Database.ExecuteSqlRawAsync(CreateIndex, cancellationToken);
        return true;
    }

    /// <summary>
    /// Keeps <paramref name="reports"/>: <c>INSERT … ON CONFLICT DO NOTHING</c>, so a report already kept (a redelivered
    /// batch, a route reported twice) is ignored and the first one stands. One transaction for the batch.
    /// </summary>
    /// <returns>The rows inserted.</returns>
    public static async Task<int> InsertAsync(MeteringDbContext db, IReadOnlyList<RouterReport> reports, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var id = RequestId(db);
        var mapping = (RelationalTypeMapping)id.GetRelationalTypeMapping();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var inserted = 0;
            for (var start = 0; start < reports.Count; start += RowsPerStatement)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                var text = new StringBuilder("INSERT INTO ").Append(Name).Append(" (request_id, deadline, received_at, report) VALUES ");
                var end = Math.Min(reports.Count, start + RowsPerStatement);
                for (var i = start; i < end; i++)
                {
                    var report = reports[i];
                    command.Parameters.Add(mapping.CreateParameter(command, "@i" + i, report.RequestId));
                    command.Parameters.Add(Parameter(command, "@r" + i, JsonSerializer.Serialize(report, Json)));
                    text.Append(i == start ? "(" : ", (").Append("@i").Append(i).Append(", ")
                        .Append(report.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append(", ")
                        .Append(receivedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append(", @r").Append(i).Append(')');
                }

                command.CommandText = text.Append(" ON CONFLICT DO NOTHING").ToString();
                inserted += await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return inserted;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Deletes every report whose request has a usage event from the ingress (its record came: nothing to recover).</summary>
    /// <returns>The reports deleted.</returns>
    public static Task<int> DeleteRecordedAsync(MeteringDbContext db, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(DeleteRecorded, cancellationToken);

    /// <summary>The reports past <paramref name="due"/> (deadline + grace) whose request has no usage event, oldest deadline first.</summary>
    public static Task<List<RouterReport>> OverdueAsync(MeteringDbContext db, DateTimeOffset due, int max, CancellationToken cancellationToken) =>
        ReadAsync(db,
            $"SELECT report FROM {Name} WHERE deadline < {due.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)} "
            + $"AND NOT EXISTS (SELECT 1 FROM {UsageEventMap.Table} u WHERE u.request_id = {Name}.request_id) "
            + $"ORDER BY deadline LIMIT {max.ToString(CultureInfo.InvariantCulture)}",
            cancellationToken);

    /// <summary>
    /// The reports whose usage event metering itself wrote from them: normally none (the reconciler deletes a report once
    /// its event is published), so a report here outlived a reconciler that stopped between the two.
    /// </summary>
    public static Task<List<RouterReport>> RecoveredAsync(MeteringDbContext db, int max, CancellationToken cancellationToken) =>
        ReadAsync(db,
            $"SELECT report FROM {Name} WHERE EXISTS (SELECT 1 FROM {UsageEventMap.Table} u WHERE u.request_id = {Name}.request_id AND u.source IS NOT NULL) "
            + $"ORDER BY deadline LIMIT {max.ToString(CultureInfo.InvariantCulture)}",
            cancellationToken);

    /// <summary>Deletes the reports of <paramref name="requestIds"/>.</summary>
    public static async Task DeleteAsync(MeteringDbContext db, IReadOnlyList<Guid> requestIds, CancellationToken cancellationToken)
    {
        var mapping = (RelationalTypeMapping)RequestId(db).GetRelationalTypeMapping();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            for (var start = 0; start < requestIds.Count; start += RowsPerStatement)
            {
                await using var command = connection.CreateCommand();
                var text = new StringBuilder("DELETE FROM ").Append(Name).Append(" WHERE request_id IN (");
                var end = Math.Min(requestIds.Count, start + RowsPerStatement);
                for (var i = start; i < end; i++)
                {
                    command.Parameters.Add(mapping.CreateParameter(command, "@i" + i, requestIds[i]));
                    text.Append(i == start ? "@i" : ", @i").Append(i);
                }

                command.CommandText = text.Append(')').ToString();
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Which of <paramref name="requestIds"/> have a report kept (for the tests).</summary>
    public static async Task<IReadOnlyList<Guid>> KeptAsync(MeteringDbContext db, IReadOnlyList<Guid> requestIds, CancellationToken cancellationToken)
    {
        var mapping = (RelationalTypeMapping)RequestId(db).GetRelationalTypeMapping();
        var reports = await ReadAsync(db, $"SELECT report FROM {Name} WHERE request_id IN (" + string.Join(", ", requestIds.Select((_, i) => "@i" + i)) + ")", cancellationToken,
            command => command.Parameters.AddRange(requestIds.Select((id, i) => mapping.CreateParameter(command, "@i" + i, id)).ToArray()));
        return [.. reports.Select(r => r.RequestId)];
    }

    private static async Task<List<RouterReport>> ReadAsync(MeteringDbContext db, string sql, CancellationToken cancellationToken, Action<DbCommand>? parameters = null)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            parameters?.Invoke(command);
            var reports = new List<RouterReport>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                reports.Add(JsonSerializer.Deserialize<RouterReport>(reader.GetString(0), Json)!);
            }

            return reports;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static IProperty RequestId(MeteringDbContext db) =>
        db.Model.FindEntityType(typeof(UsageEvent))!.FindProperty(nameof(UsageEvent.RequestId))!;

    private static DbParameter Parameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }
}
