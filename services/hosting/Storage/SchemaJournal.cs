using System.Data.Common;

namespace AiMesh.Hosting.Storage;

/// <summary>
/// Applies a service's schema steps (<see cref="SchemaStep"/>) that its journal table does not record yet, in order,
/// recording each: the part of a migration run that does not depend on the provider's client. The caller opens the
/// connection and a transaction that already holds the database's write lock (on PostgreSQL a transaction-scoped
/// advisory lock, <see cref="PostgresLock"/>; on SQLite <c>BEGIN IMMEDIATE</c>), so two replicas starting together never
/// both apply a step: the second waits, then finds the versions recorded and applies nothing. Shared by policy and the
/// prompts registry, each with a journal and a lock of its own, so the two may share one PostgreSQL database. Written
/// against <c>System.Data.Common</c> only: hosting references neither database client. The SQL is constant text:
/// nothing a caller of the service gives is ever put into it.
/// </summary>
public static class SchemaJournal
{
    /// <summary>The statement that takes <paramref name="name"/>'s advisory lock for the transaction, per PostgreSQL schema.</summary>
    public static string PostgresLock(string name) =>
        $"SELECT pg_advisory_xact_lock(hashtextextended('{name}:' || coalesce(current_schema(), ''), 0))";

    /// <summary>
    /// Creates <paramref name="table"/> if missing, then applies the steps it does not record; returns the versions this
    /// call applied (empty when the schema was current). <paramref name="postgres"/> picks each step's SQL and how
    /// <c>applied_at</c> is kept (a timestamp there, Unix milliseconds on SQLite).
    /// </summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<SchemaStep> steps, bool postgres, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(time);
        await ExecuteAsync(connection, transaction, postgres
            ? $"CREATE TABLE IF NOT EXISTS {table} (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
            : $"CREATE TABLE IF NOT EXISTS {table} (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)", cancellationToken);

        var recorded = new HashSet<int>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = $"SELECT version FROM {table}";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add(reader.GetInt32(0));
            }
        }

        var applied = new List<int>();
        foreach (var step in steps.Where(s => !recorded.Contains(s.Version)))
        {
            await ExecuteAsync(connection, transaction, postgres ? step.Postgres : step.Sqlite, cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = $"INSERT INTO {table} (version, name, applied_at) VALUES (@version, @name, @applied_at)";
            AddParameter(record, "@version", step.Version);
            AddParameter(record, "@name", step.Name);
            AddParameter(record, "@applied_at", postgres ? time.GetUtcNow() : time.GetUtcNow().ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken);
            applied.Add(step.Version);
        }

        return applied;
    }

    /// <summary>Runs one statement (in <paramref name="transaction"/> when given).</summary>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
