using System.Diagnostics;
using AiMesh.Contracts;
using AiMesh.Contracts.Policy;
using AiMesh.Hosting;
using AiMesh.Policy.Admin;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Limits;
using AiMesh.Policy.Store;
using AiMesh.Policy.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiMesh.Policy.Tests.Keys;

/// <summary>
/// Two policy replicas on one real RabbitMQ (a virtual host of their own) and one PostgreSQL store: a change made
/// through one is served by the other because of the change event, not the periodic reload (set to an hour here).
/// </summary>
public sealed class KeyInvalidationAcrossReplicasTests(PostgresTestStore store) : IClassFixture<PostgresTestStore>, IAsyncLifetime
{
    // The stated bound is "the bus latency"; this only keeps a broken test from hanging.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly string _virtualHost = $"aimesh_policy_test_{Guid.NewGuid():N}";
    private readonly List<WebApplication> _replicas = [];

    private static Uri RabbitMq => new(Environment.GetEnvironmentVariable("AIMESH_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/");

    public async Task InitializeAsync()
    {
        await RabbitCtlAsync("add_vhost", _virtualHost);
        await RabbitCtlAsync("set_permissions", "-p", _virtualHost, RabbitMq.UserInfo.Split(':')[0], ".*", ".*", ".*");
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.StopAsync();
            await replica.DisposeAsync();
        }

        await RabbitCtlAsync("delete_vhost", _virtualHost);
    }

    [Fact]
    public async Task A_key_created_and_then_revoked_through_replica_A_is_served_and_then_refused_by_replica_B()
    {
        var connectionString = await store.NewDatabaseAsync();
        var a = await StartReplicaAsync(connectionString);
        var b = await StartReplicaAsync(connectionString);
        var tenant = await Tenant.CreateAsync(a.Services);

        CreatedKey created;
        await using (var scope = a.Services.CreateAsyncScope())
        {
            created = (await scope.ServiceProvider.GetRequiredService<KeyAdministration>().CreateAsync(
                new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]), "tests", CancellationToken.None)).Value!;
        }

        var hash = KeyRing.HashOf(created.Secret);
        var onB = b.Services.GetRequiredService<StoredKeys>();
        await WithinDeadlineAsync(() => onB.Find(hash) is not null, "replica B never served the new key");

        await using (var scope = a.Services.CreateAsyncScope())
        {
            var revoked = await scope.ServiceProvider.GetRequiredService<KeyAdministration>().RevokeAsync(created.Key.Id, "tests", CancellationToken.None);
            Assert.True(revoked.Succeeded);
        }

        // Replica A refuses at once (it applied its own change); B within the bus latency.
        Assert.Null(a.Services.GetRequiredService<StoredKeys>().Find(hash));
        await WithinDeadlineAsync(() => onB.Find(hash) is null, "replica B still serves the revoked key");

        // Whichever replica answers on the shared queue, the answer is the uniform 401.
        var client = b.Services.GetRequiredService<IBus>().CreateRequestClient<AuthorizeRequest>(Endpoints.PolicyAddress, RequestTimeout.After(s: 30));
        for (var i = 0; i < 4; i++)
        {
            var response = await client.GetResponse<RequestAuthorized, RequestDenied>(
                new AuthorizeRequest(Guid.NewGuid(), hash, "chat.completions", "gpt-4o", "10.0.0.1"));
            Assert.True(response.Is(out Response<RequestDenied>? denied));
            Assert.Equal((401, "invalid_api_key"), (denied!.Message.Status, denied.Message.Code));
        }
    }

    [Fact]
    public async Task A_limit_and_a_budget_set_through_replica_A_are_applied_by_replica_B()
    {
        var connectionString = await store.NewDatabaseAsync();
        var a = await StartReplicaAsync(connectionString);
        var b = await StartReplicaAsync(connectionString);
        var tenant = await Tenant.CreateAsync(a.Services);
        var onB = b.Services.GetRequiredService<EntityRules>();
        Assert.Null(onB.Limit(LimitScope.Team, tenant.TeamId.ToString()));

        await using (var scope = a.Services.CreateAsyncScope())
        {
            var changes = scope.ServiceProvider.GetRequiredService<LimitChanges>();
            await using var db = await changes.Databases.CreateDbContextAsync();
            db.EntityLimits.Add(new EntityLimit
            {
                SubjectType = LimitSubjects.Team,
                SubjectId = tenant.TeamId,
                OrganizationId = tenant.OrganizationId,
                Concurrent = 3,
                UpdatedAt = DateTimeOffset.UtcNow,
                UpdatedBy = "tests",
            });
            db.EntityBudgets.Add(new EntityBudget
            {
                SubjectType = LimitSubjects.Team,
                SubjectId = tenant.TeamId,
                Period = "day",
                OrganizationId = tenant.OrganizationId,
                AmountNanos = 5_000_000_000,
                Hard = true,
                UpdatedAt = DateTimeOffset.UtcNow,
                UpdatedBy = "tests",
            });
            await db.SaveChangesAsync();
            await changes.AnnounceAsync(LimitSubjects.Team, tenant.TeamId, CancellationToken.None);
        }

        // Replica A serves them at once; B within the bus latency (its periodic reload is an hour away).
        Assert.Equal(3, a.Services.GetRequiredService<EntityRules>().Limit(LimitScope.Team, tenant.TeamId.ToString())?.Concurrent);
        await WithinDeadlineAsync(() => onB.Limit(LimitScope.Team, tenant.TeamId.ToString())?.Concurrent == 3, "replica B never applied the team's limit");
        var budget = Assert.Single(onB.Budgets(AiMesh.Policy.Budgets.BudgetScope.Team, tenant.TeamId.ToString()));
        Assert.Equal((5m, true, AiMesh.Policy.Budgets.BudgetPeriod.Day), (budget.Amount, budget.Hard, budget.Period));
    }

    private async Task<WebApplication> StartReplicaAsync(string connectionString)
    {
        var credentials = RabbitMq.UserInfo.Split(':');
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args =
            [
                "--urls=http://127.0.0.1:0",
                "--Bus:Transport=RabbitMq",
                $"--Bus:RabbitMq:Host={RabbitMq.Host}",
                $"--Bus:RabbitMq:Port={RabbitMq.Port}",
                $"--Bus:RabbitMq:VirtualHost={_virtualHost}",
                $"--Bus:RabbitMq:Username={credentials[0]}",
                $"--Bus:RabbitMq:Password={credentials[1]}",
                "--Policy:Database:Provider=Postgres",
                $"--Policy:Database:ConnectionString={connectionString}",
                "--Policy:KeyReloadInterval=01:00:00",
            ],
        });
        var app = MeshHost.Build(builder, "aimesh-policy", [new PolicyModule()]);
        _replicas.Add(app);
        await app.StartAsync();

        // Ready = schema current, keys loaded, and the bus (with this replica's change queue) connected.
        var health = app.Services.GetRequiredService<HealthCheckService>();
        await WithinDeadlineAsync(
            async () => (await health.CheckHealthAsync(check => check.Tags.Contains("ready"))).Status == HealthStatus.Healthy,
            "a replica never became ready");
        return app;
    }

    private static Task WithinDeadlineAsync(Func<bool> condition, string failure) =>
        WithinDeadlineAsync(() => Task.FromResult(condition()), failure);

    private static async Task WithinDeadlineAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Deadline, failure);
            await Task.Delay(20);
        }
    }

    private static async Task RabbitCtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {string.Join(' ', arguments)} failed: {await stderr}");
    }
}
