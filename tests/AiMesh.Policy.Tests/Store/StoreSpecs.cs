using AiMesh.Policy.Store;
using AiMesh.Policy.Store.Migrations;
using AiMesh.Policy.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Tests.Store;

/// <summary>The schema's promises, run once per provider (see the derived classes), each test on a database of its own.</summary>
public abstract class StoreSpecs(ITestStore store)
{
    [Fact]
    public async Task A_fresh_database_gets_every_migration_and_a_second_run_applies_nothing()
    {
        var options = await NewOptionsAsync();

        var first = await SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None);
        var second = await SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None);

        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), first);
        Assert.Empty(second);
        Assert.Equal(SchemaMigrations.All.Count, await CountAsync(options, SchemaMigrations.Table));
        Assert.Equal(0, await CountAsync(options, "virtual_keys"));
    }

    [Fact]
    public async Task Four_appliers_starting_together_apply_each_migration_exactly_once()
    {
        var options = await NewOptionsAsync();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None))));

        Assert.Equal(SchemaMigrations.All.Select(m => m.Version), runs.SelectMany(applied => applied).Order());
        Assert.Single(runs, applied => applied.Count > 0);
        Assert.Equal(SchemaMigrations.All.Count, await CountAsync(options, SchemaMigrations.Table));
    }

    [Fact]
    public async Task The_migrate_command_exits_0_on_a_fresh_and_on_a_current_database()
    {
        var options = await NewOptionsAsync();
        string[] args = ["migrate", $"--Policy:Database:Provider={options.Provider}", $"--Policy:Database:ConnectionString={options.ConnectionString}"];

        Assert.Equal(0, await Program.Main(args));
        Assert.Equal(0, await Program.Main(args));
        Assert.Equal(SchemaMigrations.All.Count, await CountAsync(options, SchemaMigrations.Table));
    }

    [Fact]
    public async Task The_schema_refuses_a_second_key_with_the_same_hash_and_a_key_with_two_owners()
    {
        var options = await NewOptionsAsync();
        await SchemaMigrator.MigrateAsync(options, TimeProvider.System, CancellationToken.None);
        await using var db = Context(options);
        var org = new Organization { Id = Guid.NewGuid(), Name = "o", CreatedAt = DateTimeOffset.UtcNow };
        var team = new Team { Id = Guid.NewGuid(), OrganizationId = org.Id, Name = "t", CreatedAt = DateTimeOffset.UtcNow };
        var account = new ServiceAccount { Id = Guid.NewGuid(), TeamId = team.Id, Name = "a", CreatedAt = DateTimeOffset.UtcNow };
        db.AddRange(org, team, account);
        await db.SaveChangesAsync();

        db.Add(Key(org.Id, team.Id, "hash-1"));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        db.Add(Key(org.Id, team.Id, "hash-1"));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();

        var twoOwners = Key(org.Id, team.Id, "hash-2");
        twoOwners.OwnerServiceAccountId = account.Id;
        db.Add(twoOwners);
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    internal async Task<PolicyDatabaseOptions> NewOptionsAsync() =>
        new() { Provider = store.Provider, ConnectionString = await store.NewDatabaseAsync() };

    internal static PolicyDbContext Context(PolicyDatabaseOptions options)
    {
        var builder = new DbContextOptionsBuilder<PolicyDbContext>();
        PolicyDatabase.Configure(builder, options);
        return new PolicyDbContext(builder.Options);
    }

    private static VirtualKey Key(Guid organization, Guid team, string hash) => new()
    {
        Id = Guid.NewGuid(),
        KeyHash = hash,
        DisplayPrefix = "sk-aimesh-ab",
        OrganizationId = organization,
        OwnerTeamId = team,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
        CreatedBy = "tests",
    };

    private static async Task<int> CountAsync(PolicyDatabaseOptions options, string table)
    {
        await using var db = Context(options);
        // Constant SQL per table: nothing is ever spliced into a query, not even in a test.
        var sql = table switch
        {
            SchemaMigrations.Table => "SELECT CAST(COUNT(*) AS integer) AS \"Value\" FROM policy_schema_migrations",
            "virtual_keys" => "SELECT CAST(COUNT(*) AS integer) AS \"Value\" FROM virtual_keys",
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
        };
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync();
    }
}
