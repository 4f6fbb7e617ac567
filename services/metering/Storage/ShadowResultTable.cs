using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Metering;
using AiMesh.Metering.Projections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AiMesh.Metering.Storage;

/// <summary>
/// <c>shadow_results</c>: the routers' shadowed requests (<see cref="ShadowResult"/>), the primary's answer and the
/// candidate's side by side. Apart from <c>usage_events</c> on purpose: a shadow call is the operator's experiment, not
/// usage, so it never enters the usage log, its rollups, <c>UsageMetered</c> or any budget. Written by hand like
/// <c>router_reports</c> (only batch inserts, filtered reads and a sweep by age). The primary key
/// (<c>request_id</c>, <c>shadow_model</c>) makes a redelivered or duplicated result a no-op (<c>ON CONFLICT DO
/// NOTHING</c>: the first one stands); <c>request_id</c> has <c>usage_events.request_id</c>'s store type so a result
/// joins its request's usage event. The figures the comparison sums are columns (tokens as bigints, costs as
/// <c>*_cost_nanos</c>, whole billionths like the rollups, since SQLite has no exact decimal sum); the result itself is
/// kept as JSON text too, read back whole only to list one comparison's results. Times are Unix milliseconds;
/// <c>ended_at</c> is indexed for the period filter and the retention sweep.
/// </summary>
internal static class ShadowResultTable
{
    public const string Name = "shadow_results";

    /// <summary>Rows per insert statement: 24 parameters a row keeps it far below both providers' limits.</summary>
    public const int RowsPerStatement = 100;

    /// <summary>Team and key ids filtered by the statement itself; a larger scope is filtered in memory.</summary>
    public const int MaxScopeValuesInStatement = 1_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] Columns =
    [
        "request_id", "shadow_model", "model_requested", "primary_model", "organization_id", "team_id", "key_id",
        "primary_status", "primary_duration_ms", "primary_prompt_tokens", "primary_completion_tokens", "primary_cost_nanos", "primary_currency",
        "shadow_status", "shadow_error_code", "shadow_duration_ms", "shadow_prompt_tokens", "shadow_completion_tokens", "shadow_cost_nanos", "shadow_currency",
        "similarity", "ended_at", "received_at", "result",
    ];

    private static readonly string CreateIndex = $"CREATE INDEX IF NOT EXISTS ix_{Name}_ended_at ON {Name} (ended_at)";

    /// <returns>Whether the table was missing (and is now created).</returns>
    public static async Task<bool> EnsureAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        if (await MeteringDatabase.TableExistsAsync(db, Name, cancellationToken))
        {
            return false;
        }

        // Constant text: names and the model's store type, never anything from a message. IF NOT EXISTS lets two replicas
        // racing both succeed (PostgreSQL may still refuse the loser's catalog insert; its next start attempt finds the table).
        var create = $"CREATE TABLE IF NOT EXISTS {Name} (request_id {RequestId(db).GetRelationalTypeMapping().StoreType} NOT NULL, "
            + "shadow_model TEXT NOT NULL, model_requested TEXT NOT NULL, primary_model TEXT NOT NULL, "
            + "organization_id TEXT NULL, team_id TEXT NULL, key_id TEXT NULL, "
            + "primary_status INTEGER NOT NULL, primary_duration_ms DOUBLE PRECISION NOT NULL, primary_prompt_tokens BIGINT NULL, "
            + "primary_completion_tokens BIGINT NULL, primary_cost_nanos BIGINT NULL, primary_currency TEXT NULL, "
            + "shadow_status INTEGER NOT NULL, shadow_error_code TEXT NULL, shadow_duration_ms DOUBLE PRECISION NOT NULL, shadow_prompt_tokens BIGINT NULL, "
            + "shadow_completion_tokens BIGINT NULL, shadow_cost_nanos BIGINT NULL, shadow_currency TEXT NULL, "
            + "similarity DOUBLE PRECISION NULL, ended_at BIGINT NOT NULL, received_at BIGINT NOT NULL, result TEXT NOT NULL, "
            + "PRIMARY KEY (request_id, shadow_model))";
        await db.Database.ExecuteSqlRawAsync(create, cancellationToken);
        await db.Database.ExecuteSqlRawAsync(CreateIndex, cancellationToken);
        return true;
    }

    /// <summary>
    /// Keeps <paramref name="results"/> (distinct by request id and shadow model): <c>INSERT … ON CONFLICT DO NOTHING</c>,
    /// so a result already kept (a redelivered batch, a result sent twice) is ignored and the first one stands. One
    /// transaction for the batch. Every value from the message is a parameter.
    /// </summary>
    /// <returns>The rows inserted.</returns>
    public static async Task<int> InsertAsync(MeteringDbContext db, IReadOnlyList<ShadowResult> results, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var mapping = (RelationalTypeMapping)RequestId(db).GetRelationalTypeMapping();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var inserted = 0;
            for (var start = 0; start < results.Count; start += RowsPerStatement)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                var text = new StringBuilder("INSERT INTO ").Append(Name).Append(" (").AppendJoin(", ", Columns).Append(") VALUES ");
                var end = Math.Min(results.Count, start + RowsPerStatement);
                for (var i = start; i < end; i++)
                {
                    var r = results[i];
                    command.Parameters.Add(mapping.CreateParameter(command, $"@p{i}_0", r.RequestId));
                    object?[] values =
                    [
                        r.ShadowModel, r.ModelRequested, r.PrimaryModel, r.OrganizationId, r.TeamId, r.KeyId,
                        r.PrimaryStatus, r.PrimaryDurationMs, (long?)r.PrimaryUsage?.PromptTokens, (long?)r.PrimaryUsage?.CompletionTokens,
                        Nanos(r.PrimaryCost), r.PrimaryCost?.Currency,
                        r.ShadowStatus, r.ShadowErrorCode, r.ShadowDurationMs, (long?)r.ShadowUsage?.PromptTokens, (long?)r.ShadowUsage?.CompletionTokens,
                        Nanos(r.ShadowCost), r.ShadowCost?.Currency,
                        r.Similarity, r.EndedAt.ToUnixTimeMilliseconds(), receivedAt.ToUnixTimeMilliseconds(), JsonSerializer.Serialize(r, Json),
                    ];
                    text.Append(i == start ? "(" : ", (").Append("@p").Append(i).Append("_0");
                    for (var c = 0; c < values.Length; c++)
                    {
                        text.Append(", ").Append(Parameter(command, $"@p{i}_{c + 1}", values[c]));
                    }

                    text.Append(')');
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

    /// <summary>The figures of the results <paramref name="filter"/> selects, in no particular order.</summary>
    public static async Task<List<ShadowFigures>> FiguresAsync(MeteringDbContext db, ShadowFilter filter, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            var inStatement = Where(command, filter, out var where);
            command.CommandText = "SELECT model_requested, primary_model, shadow_model, team_id, key_id, primary_status, primary_duration_ms, "
                + "primary_prompt_tokens, primary_completion_tokens, primary_cost_nanos, primary_currency, shadow_status, shadow_error_code, "
                + $"shadow_duration_ms, shadow_prompt_tokens, shadow_completion_tokens, shadow_cost_nanos, shadow_currency, similarity FROM {Name}{where}";
            var figures = new List<ShadowFigures>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!inStatement && !filter.InScope(NullableString(reader, 3), NullableString(reader, 4)))
                {
                    continue;
                }

                figures.Add(new ShadowFigures(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetInt32(5), reader.GetDouble(6), NullableLong(reader, 7), NullableLong(reader, 8), NullableLong(reader, 9), NullableString(reader, 10),
                    reader.GetInt32(11), NullableString(reader, 12), reader.GetDouble(13), NullableLong(reader, 14), NullableLong(reader, 15), NullableLong(reader, 16),
                    NullableString(reader, 17), reader.IsDBNull(18) ? null : reader.GetDouble(18)));
            }

            return figures;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The results <paramref name="filter"/> selects, newest end first (then request id and shadow model), after skipping
    /// <paramref name="offset"/>, at most <paramref name="limit"/>, and whether more follow.
    /// </summary>
    public static async Task<(List<ShadowResult> Results, bool More)> PageAsync(MeteringDbContext db, ShadowFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            var inStatement = Where(command, filter, out var where);
            var text = new StringBuilder("SELECT result, team_id, key_id FROM ").Append(Name).Append(where)
                .Append(" ORDER BY ended_at DESC, request_id, shadow_model");

            // A scope too large for the statement is filtered here, so the page is cut here too.
            if (inStatement)
            {
                text.Append(" LIMIT ").Append((limit + 1).ToString(CultureInfo.InvariantCulture))
                    .Append(" OFFSET ").Append(offset.ToString(CultureInfo.InvariantCulture));
            }

            command.CommandText = text.ToString();
            var results = new List<ShadowResult>();
            var skip = inStatement ? 0 : offset;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (results.Count <= limit && await reader.ReadAsync(cancellationToken))
            {
                if (!inStatement && !filter.InScope(NullableString(reader, 1), NullableString(reader, 2)))
                {
                    continue;
                }

                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                results.Add(JsonSerializer.Deserialize<ShadowResult>(reader.GetString(0), Json)!);
            }

            var more = results.Count > limit;
            return (more ? results[..limit] : results, more);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Deletes the results that ended before <paramref name="before"/>; returns how many.</summary>
    public static Task<int> DeleteEndedBeforeAsync(MeteringDbContext db, DateTimeOffset before, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync($"DELETE FROM {Name} WHERE ended_at < {{0}}", [before.ToUnixTimeMilliseconds()], cancellationToken);

    /// <summary>How many results are kept for <paramref name="requestId"/> (for the tests).</summary>
    public static async Task<int> CountAsync(MeteringDbContext db, Guid requestId, CancellationToken cancellationToken)
    {
        var mapping = (RelationalTypeMapping)RequestId(db).GetRelationalTypeMapping();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {Name} WHERE request_id = @id";
            command.Parameters.Add(mapping.CreateParameter(command, "@id", requestId));
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <returns>Whether the whole filter is in the statement (else the team and key scope is left to the caller).</returns>
    private static bool Where(DbCommand command, ShadowFilter filter, out string where)
    {
        var text = new StringBuilder(" WHERE ended_at >= ").Append(filter.From.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))
            .Append(" AND ended_at < ").Append(filter.To.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        if (filter.Model is { } model)
        {
            var m = Parameter(command, "@model", model);
            text.Append(" AND (model_requested = ").Append(m).Append(" OR primary_model = ").Append(m).Append(" OR shadow_model = ").Append(m).Append(')');
        }

        if (filter.Comparison is { } comparison)
        {
            text.Append(" AND model_requested = ").Append(Parameter(command, "@requested", comparison.ModelRequested))
                .Append(" AND primary_model = ").Append(Parameter(command, "@primary", comparison.PrimaryModel))
                .Append(" AND shadow_model = ").Append(Parameter(command, "@shadow", comparison.ShadowModel));
        }

        if (filter.OrganizationId is { } organization)
        {
            text.Append(" AND organization_id = ").Append(Parameter(command, "@organization", organization));
        }

        var inStatement = true;
        if (filter.Scoped)
        {
            var teams = filter.TeamIds ?? [];
            var keys = filter.KeyIds ?? [];
            if (teams.Count + keys.Count == 0)
            {
                text.Append(" AND 1 = 0");
            }
            else if (teams.Count + keys.Count <= MaxScopeValuesInStatement)
            {
                var any = new List<string>(2);
                if (teams.Count > 0)
                {
                    any.Add("team_id IN (" + string.Join(", ", teams.Select((t, i) => Parameter(command, "@t" + i, t))) + ")");
                }

                if (keys.Count > 0)
                {
                    any.Add("key_id IN (" + string.Join(", ", keys.Select((k, i) => Parameter(command, "@k" + i, k))) + ")");
                }

                text.Append(" AND (").AppendJoin(" OR ", any).Append(')');
            }
            else
            {
                inStatement = false;
            }
        }

        where = text.ToString();
        return inStatement;
    }

    private static long? Nanos(Contracts.Routing.Cost? cost) => cost is null ? null : RollupCounters.Nanos(cost.Amount);

    private static IProperty RequestId(MeteringDbContext db) =>
        db.Model.FindEntityType(typeof(UsageEvent))!.FindProperty(nameof(UsageEvent.RequestId))!;

    private static string Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return name;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableLong(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
