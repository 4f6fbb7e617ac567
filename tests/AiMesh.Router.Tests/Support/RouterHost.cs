using AiMesh.Contracts;
using AiMesh.Contracts.Routing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiMesh.Router.Tests.Support;

/// <summary>
/// The router module in a host of its own on MassTransit's test harness (in-memory bus), with a stand-in for the
/// ingress instance that receives chunks, and taps on every message and log line.
/// </summary>
internal sealed class RouterHost : IAsyncDisposable
{
    public const string Key = "sk-router-test-9f8e7d6c5b4a39281706abcdef";
    public const string KeyVariable = "ROUTER_TESTS_PROVIDER_KEY";

    private readonly IHost host;

    private RouterHost(IHost host, MessageTap tap, CapturedLogs logs)
    {
        this.host = host;
        Tap = tap;
        Logs = logs;
        Harness = host.Services.GetRequiredService<ITestHarness>();
        Chunks = host.Services.GetRequiredService<ChunkStore>();
    }

    public ITestHarness Harness { get; }

    public ChunkStore Chunks { get; }

    public MessageTap Tap { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => host.Services;

    /// <summary>Settings with one chat deployment (gpt-4o-mini → mock-gpt) and one embeddings deployment.</summary>
    public static Dictionary<string, string?> Settings(Uri chatBaseUrl, Uri? embeddingsBaseUrl = null) => new()
    {
        [KeyVariable] = Key,
        ["Router:Timeouts:Connect"] = "00:00:05",
        ["Router:Timeouts:FirstByte"] = "00:00:20",
        ["Router:Timeouts:Idle"] = "00:00:20",
        ["Router:Timeouts:Total"] = "00:01:00",
        ["Router:Deployments:0:Name"] = "mock-chat",
        ["Router:Deployments:0:Model"] = "gpt-4o-mini",
        ["Router:Deployments:0:Provider"] = "openai",
        ["Router:Deployments:0:BaseUrl"] = chatBaseUrl.ToString(),
        ["Router:Deployments:0:UpstreamModel"] = "mock-gpt",
        ["Router:Deployments:0:ApiKeyEnv"] = KeyVariable,
        ["Router:Deployments:0:Headers:x-extra"] = "1",
        ["Router:Deployments:0:Api:0"] = "chat.completions",
        ["Router:Deployments:0:OwnedBy"] = "aimesh",
        ["Router:Deployments:1:Name"] = "mock-embeddings",
        ["Router:Deployments:1:Model"] = "text-embedding-3-small",
        ["Router:Deployments:1:Provider"] = "vllm",
        ["Router:Deployments:1:BaseUrl"] = (embeddingsBaseUrl ?? chatBaseUrl).ToString(),
        ["Router:Deployments:1:UpstreamModel"] = "mock-embed",
        ["Router:Deployments:1:Api:0"] = "embeddings",
        ["Router:Deployments:1:Created"] = "2024-05-13T00:00:00Z",
    };

    public static async Task<RouterHost> StartAsync(
        Dictionary<string, string?> settings, Action<IServiceCollection>? services = null, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new CapturedLogs();
        builder.Services.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));

        var module = new RouterModule();
        module.ConfigureServices(builder);
        builder.Services.AddSingleton<ChunkStore>();
        services?.Invoke(builder.Services);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            module.ConfigureBus(bus);
            consumers?.Invoke(bus);
            bus.AddConsumer<ChunkCollector>().Endpoint(e => e.Name = ChunkCollector.EndpointName);
        });

        var host = builder.Build();
        var tap = new MessageTap();
        var started = false;
        try
        {
            await host.StartAsync();
            started = true;
        }
        finally
        {
            if (!started)
            {
                host.Dispose();
            }
        }

        var harness = host.Services.GetRequiredService<ITestHarness>();
        harness.Bus.ConnectSendObserver(tap);
        harness.Bus.ConnectPublishObserver(tap);
        harness.Bus.ConnectConsumeObserver(tap);
        return new RouterHost(host, tap, logs);
    }

    public static RouteCompletion Chat(string body, bool stream, DateTimeOffset? deadline = null, string model = "gpt-4o-mini") => new(
        Guid.NewGuid(), "chat.completions", model, body, stream, stream ? ChunkCollector.Address : null,
        deadline ?? DateTimeOffset.UtcNow.AddMinutes(1), "principal-1");

    /// <summary>Sends the request to the router's queue as the ingress does and returns whichever answer came.</summary>
    public async Task<(CompletionRouted? Routed, CompletionFailed? Failed)> RouteAsync(RouteCompletion request)
    {
        var client = Harness.Bus.CreateRequestClient<RouteCompletion>(Endpoints.RouterAddress, RequestTimeout.After(s: 60));
        var response = await client.GetResponse<CompletionRouted, CompletionFailed>(request);
        if (response.Is(out Response<CompletionRouted>? routed))
        {
            return (routed.Message, null);
        }

        return response.Is(out Response<CompletionFailed>? failed)
            ? (null, failed.Message)
            : throw new InvalidOperationException("Unexpected response type.");
    }

    public async Task<ModelsListed> ListModelsAsync()
    {
        var client = Harness.Bus.CreateRequestClient<ListModels>(Endpoints.RouterAddress, RequestTimeout.After(s: 30));
        var response = await client.GetResponse<ModelsListed>(new ListModels(Guid.NewGuid()));
        return response.Message;
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
