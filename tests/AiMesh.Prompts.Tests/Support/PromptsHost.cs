using AiMesh.Contracts;
using AiMesh.Contracts.Prompts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Prompts.Tests.Support;

/// <summary>The prompts module in a host of its own on MassTransit's in-memory test harness, templates from configuration.</summary>
internal sealed class PromptsHost : IAsyncDisposable
{
    private readonly IHost host;

    private PromptsHost(IHost host)
    {
        this.host = host;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public static async Task<PromptsHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var module = new PromptsModule();
        module.ConfigureServices(builder);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            module.ConfigureBus(bus);
        });

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

        return new PromptsHost(host);
    }

    /// <summary>Asks prompts on its queue, as the saga does, and returns whichever answer came.</summary>
    public async Task<(PromptRendered? Rendered, PromptRenderFailed? Failed)> RenderAsync(string body)
    {
        var client = Harness.Bus.CreateRequestClient<RenderPrompt>(Endpoints.PromptsAddress, RequestTimeout.After(s: 30));
        var response = await client.GetResponse<PromptRendered, PromptRenderFailed>(new RenderPrompt(Guid.NewGuid(), body));
        if (response.Is(out Response<PromptRendered>? rendered))
        {
            return (rendered.Message, null);
        }

        return response.Is(out Response<PromptRenderFailed>? failed)
            ? (null, failed.Message)
            : throw new InvalidOperationException("Unexpected response type.");
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
