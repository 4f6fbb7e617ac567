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

    /// <summary>
    /// Whether <c>prompts</c> exists. EF's EnsureCreated cannot answer this: it skips creating tables as soon as the
    /// database holds any table, which a PostgreSQL database shared with other services always does.
    /// </summary>
    public static Task<bool> TableExistsAsync(PromptsDbContext db, CancellationToken cancellationToken) =>
        TableExistsAsync(db, PromptsDbContext.PromptsTable, cancellationToken);

    /// <summary>Whether the table <paramref name="table"/> (a constant name, never a caller's text) exists.</summary>
    public static async Task<bool> TableExistsAsync(PromptsDbContext db, string table, CancellationToken cancellationToken)
    {
        var sql = db.Database.IsNpgsql()
            ? $"SELECT COUNT(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            : $"SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
        var count = await db.Database.SqlQueryRaw<int>(sql).SingleAsync(cancellationToken);
        return count > 0;
    }

    /// <summary>
    /// Schema step "prompt APIs" (issue 7): adds <c>prompt_apis</c> to a registry created before it (a new registry gets it
    /// from the model with the other tables). Idempotent (<c>IF NOT EXISTS</c>), so replicas racing here both succeed.
    /// The columns are what EF creates from <see cref="PromptsDbContext"/> on each provider.
    /// </summary>
    public static async Task EnsureApisTableAsync(PromptsDbContext db, CancellationToken cancellationToken)
    {
        var statements = db.Database.IsNpgsql()
            ? new[]
            {
                $"""
                CREATE TABLE IF NOT EXISTS {PromptsDbContext.ApisTable} (
                    prompt_id uuid NOT NULL CONSTRAINT "PK_prompt_apis" PRIMARY KEY CONSTRAINT "FK_prompt_apis_prompts_prompt_id" REFERENCES {PromptsDbContext.PromptsTable} (id) ON DELETE CASCADE,
                    path character varying(200) NULL, label character varying(100) NULL, version integer NULL,
                    model character varying(200) NULL, output character varying(10) NOT NULL, output_schema text NULL,
                    requests_per_minute integer NULL, enabled boolean NOT NULL, updated timestamp with time zone NOT NULL,
                    updated_by character varying(200) NOT NULL)
                """,
                $"CREATE UNIQUE INDEX IF NOT EXISTS ux_prompt_apis_path ON {PromptsDbContext.ApisTable} (path)",
            }
            : new[]
            {
                $"""
                CREATE TABLE IF NOT EXISTS "{PromptsDbContext.ApisTable}" (
                    "prompt_id" TEXT NOT NULL CONSTRAINT "PK_prompt_apis" PRIMARY KEY,
                    "path" TEXT NULL, "label" TEXT NULL, "version" INTEGER NULL, "model" TEXT NULL, "output" TEXT NOT NULL,
                    "output_schema" TEXT NULL, "requests_per_minute" INTEGER NULL, "enabled" INTEGER NOT NULL, "updated" TEXT NOT NULL,
                    "updated_by" TEXT NOT NULL,
                    CONSTRAINT "FK_prompt_apis_prompts_prompt_id" FOREIGN KEY ("prompt_id") REFERENCES "{PromptsDbContext.PromptsTable}" ("id") ON DELETE CASCADE)
                """,
                $"CREATE UNIQUE INDEX IF NOT EXISTS \"ux_prompt_apis_path\" ON \"{PromptsDbContext.ApisTable}\" (\"path\")",
            };
        foreach (var sql in statements)
        {
#pragma warning disable EF1002 // constant SQL built from the table names above, no input
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
#pragma warning restore EF1002
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
