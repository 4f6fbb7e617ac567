using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>
/// The metering module as the ingress composes it (its real ConfigureServices and ConfigureBus) on MassTransit's
/// in-memory test harness, against a real database.
/// </summary>
internal sealed class MeteringTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private MeteringTestHost(IHost host, ITestHarness harness, PublishRecorder published, CapturedLogs logs)
    {
        _host = host;
        Harness = harness;
        Published = published;
        Logs = logs;
    }

    public ITestHarness Harness { get; }

    public PublishRecorder Published { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _host.Services;

    /// <param name="settings">More configuration, over the database's (e.g. <c>Metering:Reconcile:*</c>).</param>
    public static async Task<MeteringTestHost> StartAsync(string provider, string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Metering:Database:Provider"] = provider,
            ["Metering:Database:ConnectionString"] = connectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var host = Build(configuration, out var logs);
        await host.StartAsync();
        var harness = host.Services.GetRequiredService<ITestHarness>();
        var published = new PublishRecorder();
        harness.Bus.ConnectPublishObserver(published);
        return new MeteringTestHost(host, harness, published, logs);
    }

    /// <summary>
    /// Started on a healthy database and waited on (bounded) until its schema is ready. Usually ready when start returns;
    /// on a loaded machine the bounded first attempt can run out (or lose the create-table race to a previous host's
    /// cancelled attempt) and a background retry finishes the job.
    /// </summary>
    public static Task<MeteringTestHost> StartReadyAsync(ITestDatabase database) => StartReadyAsync(database.Provider, database.ConnectionString);

    /// <inheritdoc cref="StartReadyAsync(ITestDatabase)"/>
    public static async Task<MeteringTestHost> StartReadyAsync(string provider, string connectionString)
    {
        var host = await StartAsync(provider, connectionString);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!host.SchemaReady && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(host.SchemaReady, "the schema is created on a healthy database; " +
            string.Join(" | ", host.Logs.Lines.Where(l => l.EventId == 4011).Select(l => l.Text)));
        return host;
    }

    /// <summary>The host, not started: for specs about start itself.</summary>
    public static IHost Build(string provider, string connectionString, out CapturedLogs logs) =>
        Build(new Dictionary<string, string?>
        {
            ["Metering:Database:Provider"] = provider,
            ["Metering:Database:ConnectionString"] = connectionString,
        }, out logs);

    public static IHost Build(IDictionary<string, string?> configuration, out CapturedLogs logs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        logs = new CapturedLogs();
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);

        var module = new MeteringModule();
        module.ConfigureServices(builder);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromMinutes(3), testInactivityTimeout: TimeSpan.FromSeconds(30));
            module.ConfigureBus(bus);

            // As the embedded host configures it (MeshBus): many messages at once, so races are real.
            bus.UsingInMemory((context, cfg) =>
            {
                cfg.ConcurrentMessageLimit = 64;
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder.Build();
    }

    public bool SchemaReady => Services.GetRequiredService<SchemaState>().IsReady;

    public async Task SendAsync(RecordUsage usage, Guid? messageId = null)
    {
        var endpoint = await Harness.Bus.GetSendEndpoint(Endpoints.MeteringAddress);
        await endpoint.Send(usage, context =>
        {
            if (messageId is { } id)
            {
                context.MessageId = id;
            }
        });
    }

    public async Task SendReportsAsync(params RouterReport[] reports)
    {
        var endpoint = await Harness.Bus.GetSendEndpoint(Endpoints.MeteringReportsAddress);
        await endpoint.Send(new RecordRouterReports(reports));
    }

    public async Task SendShadowResultsAsync(params ShadowResult[] results)
    {
        var endpoint = await Harness.Bus.GetSendEndpoint(Endpoints.MeteringReportsAddress);
        await endpoint.Send(new RecordShadowResults(results));
    }

    public async Task SendBatchAsync(IReadOnlyList<RecordUsage> records, Guid? messageId = null)
    {
        var endpoint = await Harness.Bus.GetSendEndpoint(Endpoints.MeteringAddress);
        await endpoint.Send(new RecordUsageBatch(records), context =>
        {
            if (messageId is { } id)
            {
                context.MessageId = id;
            }
        });
    }

    public async Task<HealthStatus> ReadinessAsync()
    {
        var report = await Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));
        return report.Status;
    }

    public async Task<T> QueryAsync<T>(Func<UsageQueries, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<UsageQueries>());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
