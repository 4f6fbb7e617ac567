using System.Diagnostics;
using AiMesh.Contracts;
using AiMesh.Contracts.Prompts;
using AiMesh.Hosting;
using AiMesh.Prompts.Registry;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Tests.Support;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>
/// Two prompts replicas on one real RabbitMQ (a virtual host of their own) and one PostgreSQL store: a label moved
/// through the admin queue is served by both because of <see cref="PromptChanged"/> (the periodic reload an hour away),
/// and a change whose event was lost is served within <c>Prompts:ReloadInterval</c>.
/// </summary>
public sealed class LabelAcrossReplicasTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>, IAsyncLifetime
{
    // The stated bound is the bus latency (or the reload interval); this only keeps a broken test from hanging.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly string _virtualHost = $"aimesh_prompts_test_{Guid.NewGuid():N}";
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
    public async Task A_label_moved_through_the_admin_queue_is_served_by_both_replicas()
    {
        var a = await StartReplicaAsync("01:00:00");
        var b = await StartReplicaAsync("01:00:00");
        var name = $"p-{Guid.NewGuid():N}";
        await AskAsync<CreatePrompt, PromptFound>(a, new CreatePrompt(Guid.NewGuid(), name, null));
        foreach (var text in new[] { "one", "two" })
        {
            await AskAsync<PublishPromptVersion, PromptVersionPublished>(a, new PublishPromptVersion(
                Guid.NewGuid(), name, [new PromptMessageDetail("system", text)], [], null, null, null, "ada", text));
        }

        await AskAsync<MovePromptLabel, PromptLabelMoved>(a, new MovePromptLabel(Guid.NewGuid(), name, "production", 1, 0, false, "ops"));
        await BothServeAsync(a, b, name, 1);

        await AskAsync<MovePromptLabel, PromptLabelMoved>(b, new MovePromptLabel(Guid.NewGuid(), name, "production", 2, 1, false, "ops"));
        await BothServeAsync(a, b, name, 2);

        await AskAsync<MovePromptLabel, PromptLabelMoved>(a, new MovePromptLabel(Guid.NewGuid(), name, "production", null, null, true, "ops"));
        await BothServeAsync(a, b, name, 1);
    }

    [Fact]
    public async Task A_change_whose_event_was_lost_is_served_within_the_reload_interval()
    {
        var a = await StartReplicaAsync("00:00:01");
        var name = $"p-{Guid.NewGuid():N}";

        // Written to the store directly: no PromptChanged is published, as when the event was lost.
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<PromptStore>();
            await store.CreateAsync(name, null, default);
            await store.PublishAsync(name, new VersionDraft([new PromptMessage("system", "one")], [], null, null, null, "ada", "one"), default);
            await store.MoveLabelAsync(name, "production", 1, null, "ops", default);
        }

        var catalog = a.Services.GetRequiredService<PromptCatalog>();
        await WithinDeadlineAsync(() => catalog.TryGet(name, out var p) && p.Labels.TryGetValue("production", out var l) && l.Version == 1, "the reload never served the change");
    }

    private static async Task BothServeAsync(WebApplication a, WebApplication b, string name, int version)
    {
        foreach (var replica in new[] { a, b })
        {
            var catalog = replica.Services.GetRequiredService<PromptCatalog>();
            await WithinDeadlineAsync(
                () => catalog.TryGet(name, out var prompt) && prompt.Labels.TryGetValue("production", out var label) && label.Version == version && prompt.Version(version) is not null,
                $"a replica never served version {version} under production");
        }
    }

    private static async Task AskAsync<TRequest, TAnswer>(WebApplication replica, TRequest request)
        where TRequest : class
        where TAnswer : class
    {
        var client = replica.Services.GetRequiredService<IBus>().CreateRequestClient<TRequest>(Endpoints.PromptsAdminAddress, RequestTimeout.After(s: 30));
        var response = await client.GetResponse<TAnswer, PromptRequestFailed>(request);
        Assert.True(response.Is(out Response<TAnswer>? _), response.Is(out Response<PromptRequestFailed>? failed) ? failed.Message.Message : "unexpected answer");
    }

    private async Task<WebApplication> StartReplicaAsync(string reloadInterval)
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
                "--Prompts:Database:Provider=Postgres",
                $"--Prompts:Database:ConnectionString={database.ConnectionString}",
                $"--Prompts:ReloadInterval={reloadInterval}",
            ],
        });
        var app = MeshHost.Build(builder, "aimesh-prompts", [new PromptsModule()]);
        _replicas.Add(app);
        await app.StartAsync();

        // Loaded = schema created and the catalog read once; the bus (with this replica's change queue) is started.
        await app.Services.GetRequiredService<PromptCatalogRefresher>().FirstLoad.WaitAsync(Deadline);
        await app.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, Deadline);
        return app;
    }

    private static async Task WithinDeadlineAsync(Func<bool> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
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
