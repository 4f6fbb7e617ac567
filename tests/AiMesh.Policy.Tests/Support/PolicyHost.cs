using AiMesh.Contracts;
using AiMesh.Contracts.Policy;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiMesh.Policy.Tests.Support;

/// <summary>The policy module in a host of its own on MassTransit's in-memory test harness, every log line captured.</summary>
internal sealed class PolicyHost : IAsyncDisposable
{
    private readonly IHost host;

    private PolicyHost(IHost host, CapturedLogs logs)
    {
        this.host = host;
        Logs = logs;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public CapturedLogs Logs { get; }

    public static async Task<PolicyHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new CapturedLogs();
        builder.Services.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));

        var module = new PolicyModule();
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

        return new PolicyHost(host, logs);
    }

    /// <summary>Asks policy on its queue, as the saga and the models endpoint do, and returns whichever answer came.</summary>
    public async Task<(RequestAuthorized? Authorized, RequestDenied? Denied)> AuthorizeAsync(AuthorizeRequest request)
    {
        var client = Harness.Bus.CreateRequestClient<AuthorizeRequest>(Endpoints.PolicyAddress, RequestTimeout.After(s: 30));
        var response = await client.GetResponse<RequestAuthorized, RequestDenied>(request);
        if (response.Is(out Response<RequestAuthorized>? authorized))
        {
            return (authorized.Message, null);
        }

        return response.Is(out Response<RequestDenied>? denied)
            ? (null, denied.Message)
            : throw new InvalidOperationException("Unexpected response type.");
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
