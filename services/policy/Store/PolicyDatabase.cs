using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AiMesh.Policy.Store;

/// <summary>The provider-specific pieces of the store, kept in one place.</summary>
internal static class PolicyDatabase
{
    public static void Configure(DbContextOptionsBuilder builder, PolicyDatabaseOptions options)
    {
        // A unique violation (a second key with the same hash) is an expected answer handled by the caller; EF's
        // own error logs would only repeat it at Error level.
        builder.ConfigureWarnings(w => w.Log(
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug)));

        // The store is read at start, by the periodic reload and by administration; nothing here is worth EF's
        // change tracking by default.
        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
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
    public static void PrepareStorage(PolicyDatabaseOptions options)
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
}
