using System.Data.Common;
using AiMesh.Contracts.Metering;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Storage;

/// <summary>
/// <c>usage_bodies</c>: the request and answer bodies body logging kept (already redacted by the ingress), one row per
/// request beside its <c>usage_events</c> row. Written by hand like <c>usage_rollups</c> (not an EF entity: it is only
/// inserted with its event, read by request id and swept by age). The request id is the primary key, so a redelivery
/// can never add a second row; <c>stored_at</c> is Unix milliseconds on both providers, indexed for the sweep.
/// <c>rendered</c> / <c>rendered_truncated</c> (a prompt request's rendered body) came later: a table made before gets
/// them at start (<see cref="EnsureAsync"/>).
/// </summary>
internal static class UsageBodyTable
{
    public const string Name = "usage_bodies";

    private const string Sqlite =
        $"CREATE TABLE IF NOT EXISTS {Name} (request_id TEXT NOT NULL PRIMARY KEY, request TEXT NULL, response TEXT NULL, " +
        "request_truncated INTEGER NOT NULL, response_truncated INTEGER NOT NULL, stored_at BIGINT NOT NULL, " +
        "rendered TEXT NULL, rendered_truncated INTEGER NOT NULL DEFAULT 0); " +
        $"CREATE INDEX IF NOT EXISTS ix_{Name}_stored_at ON {Name} (stored_at)";

    private const string Postgres =
        $"CREATE TABLE IF NOT EXISTS {Name} (request_id text NOT NULL PRIMARY KEY, request text NULL, response text NULL, " +
        "request_truncated boolean NOT NULL, response_truncated boolean NOT NULL, stored_at bigint NOT NULL, " +
        "rendered text NULL, rendered_truncated boolean NOT NULL DEFAULT false); " +
        $"CREATE INDEX IF NOT EXISTS ix_{Name}_stored_at ON {Name} (stored_at)";

    /// <summary>
    /// The columns added since the table was first made, as each provider declares them: added to a table that lacks
    /// them. <c>rendered_truncated</c> may be NOT NULL because it has a default (false: a row stored before had no
    /// rendered body, so none was cut), which both providers fill into the existing rows; the default also lets a replica
    /// of the older build, still inserting without these columns during a rolling upgrade, go on storing.
    /// </summary>
    private static readonly (string Column, string Sqlite, string Postgres)[] Added =
    [
        ("rendered", "TEXT NULL", "text NULL"),
        ("rendered_truncated", "INTEGER NOT NULL DEFAULT 0", "boolean NOT NULL DEFAULT false"),
    ];

    /// <summary>
    /// Creates the table (and its index) when missing, and adds to a table from an older build the columns it lacks;
    /// safe to run at every start and by replicas at once. PostgreSQL: <c>ADD COLUMN IF NOT EXISTS</c>, so racing
    /// replicas both succeed. SQLite (no such clause): only the missing ones are added, and a replica sharing the file
    /// that loses the race fails this attempt on "duplicate column" and finds them on its next (the schema
    /// initializer retries), as <see cref="SchemaColumns"/> does for <c>usage_events</c>.
    /// </summary>
    /// <returns>The columns added, empty when the table was current (or just made).</returns>
    public static async Task<IReadOnlyList<string>> EnsureAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        await db.Database.ExecuteSqlRawAsync(postgres ? Postgres : Sqlite, cancellationToken);
        var existing = await ColumnsAsync(db, postgres, cancellationToken);
        var added = new List<string>();
        foreach (var (column, sqlite, postgresType) in Added)
        {
            if (existing.Contains(column))
            {
                continue;
            }

            // Constant text from the list above, never from a message.
            var statement = $"ALTER TABLE {Name} ADD COLUMN " + (postgres ? $"IF NOT EXISTS {column} {postgresType}" : $"{column} {sqlite}");
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
            added.Add(column);
        }

        return added;
    }

    /// <summary>
    /// Adds the bodies of the events the same transaction has just stored (new ones only: a redelivery's event was
    /// refused, so its bodies are not written again). One statement per row: logged bodies are the exception, not the
    /// load, and each may be 64 KiB.
    /// </summary>
    public static async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<(Guid RequestId, UsageBodies Bodies, DateTimeOffset StoredAt)> rows, CancellationToken cancellationToken)
    {
        foreach (var (requestId, bodies, storedAt) in rows)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"INSERT INTO {Name} (request_id, request, response, request_truncated, response_truncated, stored_at, rendered, rendered_truncated) " +
                "VALUES (@id, @request, @response, @request_truncated, @response_truncated, @stored_at, @rendered, @rendered_truncated) " +
                "ON CONFLICT (request_id) DO NOTHING";
            Parameter(command, "@id", Id(requestId));
            Parameter(command, "@request", bodies.Request);
            Parameter(command, "@response", bodies.Response);
            Parameter(command, "@request_truncated", bodies.RequestTruncated);
            Parameter(command, "@response_truncated", bodies.ResponseTruncated);
            Parameter(command, "@stored_at", storedAt.ToUnixTimeMilliseconds());
            Parameter(command, "@rendered", bodies.Rendered);
            Parameter(command, "@rendered_truncated", bodies.RenderedTruncated);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A request's stored bodies and when they were stored; null when none are kept.</summary>
    public static async Task<(UsageBodies Bodies, DateTimeOffset StoredAt)?> FindAsync(MeteringDbContext db, Guid requestId, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT request, response, request_truncated, response_truncated, stored_at, rendered, rendered_truncated FROM {Name} WHERE request_id = @id";
            Parameter(command, "@id", Id(requestId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var bodies = new UsageBodies(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetBoolean(2),
                reader.GetBoolean(3),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetBoolean(6));
            return (bodies, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Deletes the bodies stored before <paramref name="before"/>; returns how many.</summary>
    public static Task<int> DeleteStoredBeforeAsync(MeteringDbContext db, DateTimeOffset before, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync($"DELETE FROM {Name} WHERE stored_at < {{0}}", [before.ToUnixTimeMilliseconds()], cancellationToken);

    private static async Task<HashSet<string>> ColumnsAsync(MeteringDbContext db, bool postgres, CancellationToken cancellationToken)
    {
        var query = postgres
            ? $"SELECT column_name::text AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{Name}'"
            : $"SELECT name AS \"Value\" FROM pragma_table_info('{Name}')";
        var names = await db.Database.SqlQueryRaw<string>(query).ToListAsync(cancellationToken);
        return new HashSet<string>(names, StringComparer.Ordinal);
    }

    private static string Id(Guid requestId) => requestId.ToString("D");

    private static void Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
