using AiMesh.Prompts.Store;
using AiMesh.Prompts.Store.Migrations;
using AiMesh.Prompts.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>
/// The registry's versioned schema steps, run once per provider, each spec on a database of its own: a fresh database
/// gets every step and the tables the EF model reads; a registry made by the code before the journal (EF's
/// <c>CreateTables</c>, with or without the tables added later) is adopted with its data and gains what it lacked;
/// replicas starting together apply each step exactly once.
/// </summary>
public abstract class SchemaSpecs(ITestDatabase server) : IAsyncLifetime
{
    private readonly List<PromptsDatabaseOptions> made = [];

    [Fact]
    public async Task A_fresh_database_gets_every_step_once_and_exactly_the_columns_the_model_reads()
    {
        var options = NewDatabase();
        await CreateEmptyAsync(options);

        var first = await SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None);
        var second = await SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None);

        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), first);
        Assert.Empty(second);
        await using var db = Context(options);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var columns = await ColumnsAsync(db, table);
            var expected = entity.GetProperties().ToDictionary(p => p.GetColumnName(), p => p.IsNullable, StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(c => c.Key, StringComparer.Ordinal), columns.OrderBy(c => c.Key, StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_registry_made_before_the_journal_keeps_its_data_and_gains_the_tables_it_lacked(bool beforeApisSplitsAndChains)
    {
        // The code before the journal: EF's CreateTables from the same model (what EnsureCreated runs on an empty database);
        // a registry older still had no APIs, splits nor chains.
        var options = NewDatabase();
        await using (var old = Context(options))
        {
            Assert.True(await old.Database.EnsureCreatedAsync());
            if (beforeApisSplitsAndChains)
            {
                foreach (var table in new[] { PromptsDbContext.ApisTable, PromptsDbContext.SplitsTable, PromptsDbContext.ChainsTable })
                {
#pragma warning disable EF1002 // constant table names
                    await old.Database.ExecuteSqlRawAsync($"DROP TABLE {table}");
#pragma warning restore EF1002
                }
            }

            var id = Guid.NewGuid();
            old.Prompts.Add(new PromptRecord { Id = id, Name = "kept", Created = DateTimeOffset.UtcNow });
            old.Versions.Add(new PromptVersionRecord { PromptId = id, Number = 1, Messages = """[{"role":"user","content":"Hi {{ who }}"}]""", Variables = """["who"]""", Author = "ada", Message = "first", Created = DateTimeOffset.UtcNow });
            old.Labels.Add(new PromptLabelRecord { PromptId = id, Name = "production", Version = 1, MovedAt = DateTimeOffset.UtcNow, MovedBy = "ada" });
            await old.SaveChangesAsync();
        }

        await using var host = await PromptsHost.StartLoadedAsync(new Dictionary<string, string?>
        {
            ["Prompts:Database:Provider"] = options.Provider,
            ["Prompts:Database:ConnectionString"] = options.ConnectionString,
        });

        // The old rows are read, and every table the new code writes takes a row.
        var kept = await host.StoreAsync(s => s.FindAsync("kept", default));
        Assert.Equal(("Hi {{ who }}", 1), (kept!.Version(1)!.Messages[0].Content, kept.Labels["production"].Version));
        var (published, refused) = await host.StoreAsync(s => s.PublishAsync("kept", new VersionDraft([new PromptMessage("user", "Hello {{ who }}")], ["who"], null, "m", null, "ada", "second"), default));
        Assert.True(published is not null, refused?.Message);
        var (split, notSplit) = await host.StoreAsync(s => s.SetSplitAsync("kept", "production", [new SplitShare(1, 50), new SplitShare(2, 50)], "ops", default));
        Assert.True(split is not null, notSplit?.Message);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PromptsDbContext>();
            db.Apis.Add(new PromptApiRecord { PromptId = kept.Id, Path = "/apis/kept", Label = "production", Output = "text", Enabled = true, Updated = DateTimeOffset.UtcNow, UpdatedBy = "ops" });
            db.Chains.Add(new ChainRecord { Name = "kept-chain", Steps = "[]", Updated = DateTimeOffset.UtcNow, UpdatedBy = "ops" });
            await db.SaveChangesAsync();
            Assert.Equal((1, 1), (await db.Apis.CountAsync(), await db.Chains.CountAsync()));
        }

        // Recorded: the next start applies nothing.
        Assert.Empty(await SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Four_replicas_starting_together_apply_each_step_exactly_once()
    {
        var options = NewDatabase();
        await CreateEmptyAsync(options);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None))));

        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), runs.SelectMany(applied => applied).Order());
        Assert.Single(runs, applied => applied.Count > 0);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        foreach (var options in made)
        {
            await using var db = Context(options);
            await db.Database.EnsureDeletedAsync();
        }
    }

    /// <summary>A database of this spec's own beside the class's (another file, or another PostgreSQL database on the same server).</summary>
    private PromptsDatabaseOptions NewDatabase()
    {
        var name = $"schema_{Guid.NewGuid():N}";
        var options = DatabaseProviders.IsPostgres(server.Provider)
            ? new PromptsDatabaseOptions { Provider = server.Provider, ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = $"aimesh_prompts_test_{name}", Pooling = false }.ConnectionString }
            : new PromptsDatabaseOptions { Provider = server.Provider, ConnectionString = $"Data Source={Path.Combine(Path.GetDirectoryName(new SqliteConnectionStringBuilder(server.ConnectionString).DataSource)!, name + ".db")};Pooling=False" };
        PromptsDatabase.PrepareStorage(options);
        made.Add(options);
        return options;
    }

    private static async Task CreateEmptyAsync(PromptsDatabaseOptions options)
    {
        await using var db = Context(options);
        await db.GetService<IRelationalDatabaseCreator>().CreateAsync();
    }

    private static PromptsDbContext Context(PromptsDatabaseOptions options)
    {
        var builder = new DbContextOptionsBuilder<PromptsDbContext>();
        PromptsDatabase.Configure(builder, options);
        return new PromptsDbContext(builder.Options);
    }

    /// <summary>The table's columns by name, with whether each takes null.</summary>
    private static async Task<Dictionary<string, bool>> ColumnsAsync(PromptsDbContext db, string table)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = db.Database.IsNpgsql()
            ? $"SELECT column_name, is_nullable = 'YES' FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'"
            : $"SELECT name, \"notnull\" = 0 AND pk = 0 FROM pragma_table_info('{table}')";
        var columns = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns[reader.GetString(0)] = reader.GetBoolean(1);
        }

        return columns;
    }
}

/// <summary>The schema specs on the embedded default: SQLite files.</summary>
public sealed class SqliteSchemaSpecs(SqliteTestDatabase database) : SchemaSpecs(database), IClassFixture<SqliteTestDatabase>;

/// <summary>The schema specs on PostgreSQL (<c>AIMESH_TEST_POSTGRES</c>), each in a database of its own.</summary>
public sealed class PostgresSchemaSpecs(PostgresTestDatabase database) : SchemaSpecs(database), IClassFixture<PostgresTestDatabase>;
