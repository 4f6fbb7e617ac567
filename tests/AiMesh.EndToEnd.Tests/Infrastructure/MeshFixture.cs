using System.ClientModel;
using System.ClientModel.Primitives;
using AiMesh.MockProvider;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenAI;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A running mesh on real sockets with the mock provider behind it. Subclasses decide how the services are
/// hosted: all in one process on the in-memory bus, or each as its own host on RabbitMQ and PostgreSQL.
/// </summary>
public abstract class MeshFixture : IAsyncLifetime
{
    private readonly List<WebApplication> _hosts = [];

    public MockProviderHandle Mock { get; private set; } = null!;

    public Uri Ingress { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public abstract string Transport { get; }

    public async Task InitializeAsync()
    {
        Mock = await MockProviderServer.StartAsync();
        Ingress = await StartMeshAsync(MeshConfiguration.Common(Mock.BaseAddress));
        foreach (var host in _hosts)
        {
            await WaitReadyAsync(AddressOf(host));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopBoundedAsync();
        }

        await Mock.DisposeAsync();
        await CleanUpAsync();
        Http.Dispose();
    }

    /// <summary>The usage records metering stored, oldest first.</summary>
    public abstract Task<IReadOnlyList<UsageRow>> UsageAsync();

    public OpenAIClient Client(string key = TestEnvironment.ClientKey) => new(
        new ApiKeyCredential(key),
        new OpenAIClientOptions { Endpoint = new Uri(Ingress, "v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromSeconds(60) });

    protected abstract Task<Uri> StartMeshAsync(List<string> args);

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    protected async Task<WebApplication> StartHostAsync(WebApplication app)
    {
        await app.StartBoundedAsync();
        _hosts.Add(app);
        return app;
    }

    /// <summary>Stops one of the mesh's hosts before the others (a service going down); it is not stopped again at the end.</summary>
    protected async Task StopHostAsync(WebApplication app)
    {
        _hosts.Remove(app);
        await app.StopBoundedAsync();
    }

    protected static Uri AddressOf(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    protected async Task WaitReadyAsync(Uri host)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(host, "health/ready"), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
