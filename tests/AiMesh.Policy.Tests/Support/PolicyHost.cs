using AiMesh.Contracts;
using AiMesh.Contracts.Policy;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiMesh.Policy.Tests.Support;

/// <summary>
/// The policy module in a host of its own on MassTransit's in-memory test harness, every log line captured. Without
/// a <c>Policy:Database</c> setting the store is a fresh SQLite file of its own, deleted with the host.
/// </summary>
internal sealed class PolicyHost : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string? folder;

    private PolicyHost(IHost host, CapturedLogs logs, string? folder)
    {
        this.host = host;
        this.folder = folder;
        Logs = logs;
        Harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public IServiceProvider Services => host.Services;

    public CapturedLogs Logs { get; }

    public static async Task<PolicyHost> StartAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        string? folder = null;
        if (!settings.ContainsKey("Policy:Database:ConnectionString"))
        {
            folder = Directory.CreateTempSubdirectory("aimesh-policy-host-").FullName;
            settings = new(settings) { ["Policy:Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "policy.db")}" };
        }

        if (!settings.ContainsKey("Policy:FailedAttempts:Limit"))
        {
            // Tests ask from a handful of addresses and send wrong keys on purpose; the guessing limit is tested on
            // its own (FailedAttemptTests), elsewhere it would hold those addresses for the next test.
            settings = new(settings) { ["Policy:FailedAttempts:Limit"] = "0" };
        }

        builder.Configuration.AddInMemoryCollection(settings);
        services?.Invoke(builder.Services);
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

        return new PolicyHost(host, logs, folder);
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
        if (folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
