using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AiMesh.Prompts.Store;

/// <summary>The provider-specific pieces of the registry's store, kept in one place (as metering's).</summary>
internal static class PromptsDatabase
{
    public static void Configure(DbContextOptionsBuilder builder, PromptsDatabaseOptions options)
    {
        // A lost race (a name taken, a version number taken) ends in a unique violation on purpose and is answered
        // as a conflict: EF's own error logs would only repeat it at Error level.
        builder.ConfigureWarnings(w => w.Log(
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug)));
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
    public static void PrepareStorage(PromptsDatabaseOptions options)
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

    /// <summary>Whether saving failed on a unique or primary key: a race lost to another writer, not an outage.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT (unique, primary key)
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
