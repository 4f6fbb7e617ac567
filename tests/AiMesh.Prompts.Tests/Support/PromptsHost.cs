using AiMesh.Contracts;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Registry;
using AiMesh.Prompts.Store;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Prompts.Tests.Support;

/// <summary>
/// The prompts module in a host of its own on MassTransit's in-memory test harness, templates from configuration. The
/// registry is stored in a SQLite file of the host's own unless the settings name a database.
/// </summary>
internal sealed class PromptsHost : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string? folder;

    private PromptsHost(IHost host, string? folder)
    {
        this.host = host;
        this.folder = folder;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public IServiceProvider Services => host.Services;

    public static async Task<PromptsHost> StartAsync(Dictionary<string, string?> settings)
    {
        string? folder = null;
        if (!settings.ContainsKey("Prompts:Database:ConnectionString"))
        {
            folder = Directory.CreateTempSubdirectory("aimesh-prompts-").FullName;
            settings = new(settings) { ["Prompts:Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "prompts.db")}" };
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var module = new PromptsModule();
        module.ConfigureServices(builder);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            module.ConfigureBus(bus);
        });

        // A cold process's first read of a prompt (EF Core's model, the first PostgreSQL connection) can outlast the
        // harness's default inactivity of about a second, and Consumed.Any would answer false before it is consumed.
        builder.Services.Configure<TestHarnessOptions>(o => o.TestInactivityTimeout = TimeSpan.FromSeconds(10));

        var host = builder.Build();
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

        return new PromptsHost(host, folder);
    }

    /// <summary>Starts a host and waits until it has loaded the registry once.</summary>
    public static async Task<PromptsHost> StartLoadedAsync(Dictionary<string, string?> settings)
    {
        var prompts = await StartAsync(settings);
        await prompts.Services.GetRequiredService<PromptCatalogRefresher>().FirstLoad.WaitAsync(TimeSpan.FromSeconds(30));
        return prompts;
    }

    /// <summary>Runs <paramref name="work"/> with a store of its own scope, as one admin request would.</summary>
    public async Task<T> StoreAsync<T>(Func<PromptStore, Task<T>> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PromptStore>());
    }

    /// <summary>Asks prompts on its queue, as the saga does, and returns whichever answer came.</summary>
    public async Task<(PromptRendered? Rendered, PromptRenderFailed? Failed)> RenderAsync(string body, string? stickyKey = null)
    {
        var client = Harness.Bus.CreateRequestClient<RenderPrompt>(Endpoints.PromptsAddress, RequestTimeout.After(s: 30));
        var response = await client.GetResponse<PromptRendered, PromptRenderFailed>(new RenderPrompt(Guid.NewGuid(), body, stickyKey));
        if (response.Is(out Response<PromptRendered>? rendered))
        {
            return (rendered.Message, null);
        }

        return response.Is(out Response<PromptRenderFailed>? failed)
            ? (null, failed.Message)
            : throw new InvalidOperationException("Unexpected response type.");
    }

    /// <summary>Asks the admin queue, as policy's admin API does; the answer, or the failure.</summary>
    public async Task<(TAnswer? Answer, PromptRequestFailed? Failed)> AdminAsync<TRequest, TAnswer>(TRequest request)
        where TRequest : class
        where TAnswer : class
    {
        var client = Harness.Bus.CreateRequestClient<TRequest>(Endpoints.PromptsAdminAddress, RequestTimeout.After(s: 30));
        var response = await client.GetResponse<TAnswer, PromptRequestFailed>(request);
        return response.Is(out Response<TAnswer>? answer)
            ? (answer.Message, null)
            : response.Is(out Response<PromptRequestFailed>? failed) ? (null, failed.Message) : throw new InvalidOperationException("Unexpected response type.");
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        if (folder is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
