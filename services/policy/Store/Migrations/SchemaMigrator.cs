using System.Data.Common;
using AiMesh.Hosting.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>
/// Brings the policy schema to <see cref="SchemaMigrations.Latest"/>, recording each applied version in
/// <c>policy_schema_migrations</c> (<see cref="SchemaJournal"/>). The whole run is one transaction that first takes the
/// database's write lock, so two replicas starting together never both apply a step: on PostgreSQL a transaction-scoped
/// advisory lock per schema (DDL is transactional there, so a failed step leaves nothing behind); on SQLite
/// <c>BEGIN IMMEDIATE</c>, which the second writer waits on. The loser then finds the versions recorded and applies nothing.
/// </summary>
internal static class SchemaMigrator
{
    private static readonly string PostgresLock = SchemaJournal.PostgresLock("aimesh-policy-schema");

    /// <summary>Applies what is missing; returns the versions this call applied (empty when the schema was current).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(PolicyDatabaseOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
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

        PolicyDatabase.PrepareStorage(options);
        await using (var sqlite = new SqliteConnection(options.ConnectionString))
        {
            await sqlite.OpenAsync(cancellationToken);

            // WAL lets the readers (reloads, readiness) run beside a writer. It persists in the file; it cannot be
            // changed inside a transaction.
            await SchemaJournal.ExecuteAsync(sqlite, null, "PRAGMA journal_mode=WAL", cancellationToken);
            await using var transaction = sqlite.BeginTransaction(deferred: false);
            var applied = await SchemaJournal.ApplyAsync(sqlite, transaction, SchemaMigrations.Table, SchemaMigrations.All, postgres: false, time, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return applied;
        }
    }

    /// <summary>The highest version recorded, or 0 when none is (or the journal table does not exist yet).</summary>
    public static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MAX(version) FROM {SchemaMigrations.Table}";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
