using AiMesh.Metering.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AiMesh.Metering.Storage;

/// <summary>The provider-specific pieces of the store, kept in one place.</summary>
internal static class MeteringDatabase
{
    public static void Configure(DbContextOptionsBuilder builder, MeteringDatabaseOptions options)
    {
        // A duplicate delivery ends in a unique violation on purpose, and a real outage surfaces as a fault
        // (MassTransit logs it, with the exception): EF's own error logs would only repeat them at Error level.
        builder.ConfigureWarnings(w => w.Log(
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug)));

        // No EnableRetryOnFailure: the bus already retries the whole message (RecordUsageConsumerDefinition),
        // and two retry layers would multiply.
        if (DatabaseProviders.IsPostgres(options.Provider))
        {
            builder.UseNpgsql(options.ConnectionString);
        }
        else
        {
            builder.UseSqlite(options.ConnectionString);
        }
    }

    /// <summary>Creates the folder of an SQLite file, which SQLite will not do itself. Nothing to do for a server.</summary>
    public static void PrepareStorage(MeteringDatabaseOptions options)
    {
        if (!DatabaseProviders.IsSqlite(options.Provider))
        {
            return;
        }

        var connection = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (connection.Mode == SqliteOpenMode.Memory || connection.DataSource is "" or ":memory:" ||
            connection.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(connection.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>
    /// Whether <c>usage_events</c> exists. EF's EnsureCreated cannot answer this: it skips creating tables as soon
    /// as the database holds any table, which a database shared with other services always does.
    /// </summary>
    public static Task<bool> TableExistsAsync(MeteringDbContext db, CancellationToken cancellationToken) =>
        TableExistsAsync(db, UsageEventMap.Table, cancellationToken);

    /// <summary>Whether the table <paramref name="table"/> (a name of ours, never from a message) exists.</summary>
    public static async Task<bool> TableExistsAsync(MeteringDbContext db, string table, CancellationToken cancellationToken)
    {
        var sql = db.Database.IsNpgsql()
            ? $"SELECT COUNT(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            : $"SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
        var count = await db.Database.SqlQueryRaw<int>(sql).SingleAsync(cancellationToken);
        return count > 0;
    }
}
