using AiMesh.Hosting.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AiMesh.Prompts.Store.Migrations;

/// <summary>
/// Brings the registry's schema to <see cref="SchemaMigrations.Latest"/>, recording each applied version in
/// <c>prompts_schema_migrations</c> (<see cref="SchemaJournal"/>, as policy's, with a journal and a lock of the
/// registry's own, so the two may share a PostgreSQL database). The whole run is one transaction that first takes the database's write lock, so
/// two replicas starting together never both apply a step: on PostgreSQL a transaction-scoped advisory lock per schema
/// (DDL is transactional there, so a failed step leaves nothing behind); on SQLite <c>BEGIN IMMEDIATE</c>, which the
/// second writer waits on. The loser then finds the versions recorded and applies nothing. The SQL is constant text:
/// nothing a caller gives is ever put into it.
/// </summary>
internal static class SchemaMigrator
{
    private static readonly string PostgresLock = SchemaJournal.PostgresLock("aimesh-prompts-schema");

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
            await SchemaJournal.ExecuteAsync(connection, transaction, PostgresLock, cancellationToken);
            var applied = await SchemaJournal.ApplyAsync(connection, transaction, SchemaMigrations.Table, SchemaMigrations.All, postgres: true, time, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return applied;
        }

        PromptsDatabase.PrepareStorage(options);
        await using var sqlite = new SqliteConnection(options.ConnectionString);
        await sqlite.OpenAsync(cancellationToken);

        // WAL: the catalog's reloads read beside a writer. It persists in the file; it cannot be changed inside a transaction.
        await SchemaJournal.ExecuteAsync(sqlite, null, "PRAGMA journal_mode=WAL", cancellationToken);
        await using var write = sqlite.BeginTransaction(deferred: false);
        var done = await SchemaJournal.ApplyAsync(sqlite, write, SchemaMigrations.Table, SchemaMigrations.All, postgres: false, time, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return done;
    }
}
