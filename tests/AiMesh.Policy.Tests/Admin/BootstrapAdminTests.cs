using AiMesh.Policy.Store;
using AiMesh.Policy.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>The first admin from the environment: created once, whatever the number of starts and replicas; the secret nowhere.</summary>
public abstract class BootstrapAdminSpecs(ITestStore store)
{
    [Fact]
    public async Task The_first_start_creates_the_default_organization_the_admin_user_and_its_key_and_later_starts_add_nothing()
    {
        var connectionString = await store.NewDatabaseAsync();
        var settings = Settings(connectionString);
        string logs;
        await using (var first = await AdminHost.StartAsync(settings))
        {
            using var client = first.Client();
            Assert.Equal("admin", (await client.GetOkAsync("/admin/users"))["items"]![0]!.Text("email"));
            logs = string.Join('\n', first.Logs.Lines.Select(l => l.Line));
            Assert.Contains(first.Logs.Lines, l => l.EventId == 2031);
        }

        await using (var second = await AdminHost.StartAsync(settings))
        {
            Assert.Contains(second.Logs.Lines, l => l.EventId == 2032);
            logs += string.Join('\n', second.Logs.Lines.Select(l => l.Line));
            await AssertOneAdminAsync(second.Services);
        }

        Assert.DoesNotContain(AdminHost.BootstrapKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminHost.BootstrapKey, await store.DumpAsync(connectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_replicas_starting_together_create_one_admin()
    {
        var settings = Settings(await store.NewDatabaseAsync());

        var hosts = await Task.WhenAll(AdminHost.StartAsync(settings), AdminHost.StartAsync(settings), AdminHost.StartAsync(settings));
        try
        {
            await AssertOneAdminAsync(hosts[0].Services);
            foreach (var host in hosts)
            {
                using var client = host.Client();
                await client.GetOkAsync("/admin/users");
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_bootstrap_key_shorter_than_32_characters_stops_the_start()
    {
        var settings = Settings(await store.NewDatabaseAsync());
        settings["Policy:Admin:BootstrapKey"] = new string('x', 31);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => AdminHost.StartAsync(settings));

        Assert.Contains("at least 32 characters", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 31), refused.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Policy:Database:Provider"] = store.Provider,
        ["Policy:Database:ConnectionString"] = connectionString,
    };

    private static async Task AssertOneAdminAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PolicyDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Role == Roles.Admin));
        Assert.Equal(1, await db.Organizations.CountAsync(o => o.Name == "default"));
        Assert.Equal(1, await db.VirtualKeys.CountAsync());
    }
}

public sealed class SqliteBootstrapAdminSpecs(SqliteTestStore store) : BootstrapAdminSpecs(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresBootstrapAdminSpecs(PostgresTestStore store) : BootstrapAdminSpecs(store), IClassFixture<PostgresTestStore>;
