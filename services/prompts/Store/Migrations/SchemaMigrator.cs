using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AiMesh.Prompts.Store.Migrations;

/// <summary>
/// Brings the registry's schema to <see cref="SchemaMigrations.Latest"/>, recording each applied version in
/// <c>prompts_schema_migrations</c> (policy's mechanism, with a journal and a lock of the registry's own, so the two
/// may share a PostgreSQL database). The whole run is one transaction that first takes the database's write lock, so
/// two replicas starting together never both apply a step: on PostgreSQL a transaction-scoped advisory lock per schema
/// (DDL is transactional there, so a failed step leaves nothing behind); on SQLite <c>BEGIN IMMEDIATE</c>, which the
/// second writer waits on. The loser then finds the versions recorded and applies nothing. The SQL is constant text:
/// nothing a caller gives is ever put into it.
/// </summary>
internal static class SchemaMigrator
{
    private const string PostgresLock =
        "SELECT pg_advisory_xact_lock(hashtextextended('aimesh-prompts-schema:' || coalesce(current_schema(), ''), 0))";

    private const string PostgresJournal =
        $"CREATE TABLE IF NOT EXISTS {SchemaMigrations.Table} (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)";

    private const string SqliteJournal =
        $"CREATE TABLE IF NOT EXISTS {SchemaMigrations.Table} (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    /// <summary>
    /// Applies what is missing; returns the versions this call applied (empty when the schema was current). The
    /// database itself must exist (a PostgreSQL one is created by <see cref="SchemaInitializer"/> beforehand).
    /// </summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(PromptsDatabaseOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (DatabaseProviders.IsPostgres(options.Provider))
        {
            await using var connection = new NpgsqlConnection(options.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, PostgresLock, cancellationToken);
            await ExecuteAsync(connection, transaction, PostgresJournal, cancellationToken);
            var applied = await ApplyPendingAsync(connection, transaction, m => m.Postgres, time, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return applied;
        }

        PromptsDatabase.PrepareStorage(options);
        await using var sqlite = new SqliteConnection(options.ConnectionString);
        await sqlite.OpenAsync(cancellationToken);

        // WAL: the catalog's reloads read beside a writer. It persists in the file; it cannot be changed inside a transaction.
        await ExecuteAsync(sqlite, null, "PRAGMA journal_mode=WAL", cancellationToken);
        await using var write = sqlite.BeginTransaction(deferred: false);
        await ExecuteAsync(sqlite, write, SqliteJournal, cancellationToken);
        var done = await ApplyPendingAsync(sqlite, write, m => m.Sqlite, time, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return done;
    }

    private static async Task<IReadOnlyList<int>> ApplyPendingAsync(
        DbConnection connection, DbTransaction transaction, Func<SchemaMigration, string> sqlOf, TimeProvider time, CancellationToken cancellationToken)
    {
        var recorded = new HashSet<int>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = $"SELECT version FROM {SchemaMigrations.Table}";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add(reader.GetInt32(0));
            }
        }

        var applied = new List<int>();
        foreach (var migration in SchemaMigrations.All.Where(m => !recorded.Contains(m.Version)))
        {
            await ExecuteAsync(connection, transaction, sqlOf(migration), cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = $"INSERT INTO {SchemaMigrations.Table} (version, name, applied_at) VALUES (@version, @name, @applied_at)";
            AddParameter(record, "@version", migration.Version);
            AddParameter(record, "@name", migration.Name);
            AddParameter(record, "@applied_at", connection is SqliteConnection ? time.GetUtcNow().ToUnixTimeMilliseconds() : time.GetUtcNow());
            await record.ExecuteNonQueryAsync(cancellationToken);
            applied.Add(migration.Version);
        }

        return applied;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
