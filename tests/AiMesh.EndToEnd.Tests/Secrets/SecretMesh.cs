using System.Text;
using AiMesh.EndToEnd.Tests.Authentication;
using AiMesh.EndToEnd.Tests.Infrastructure;
using AiMesh.MockProvider;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AiMesh.EndToEnd.Tests.Secrets;

/// <summary>
/// A mesh for the planted-secret test that can be stopped and started again with another master key (a rotation is
/// done with the services stopped, then they start with the new key alone), keeping its store, the mock provider and
/// one <see cref="LeakCapture"/> across runs: every log line of every host at Trace, every message every bus sent,
/// published and received (raw received bodies). Subclasses host it embedded (SQLite) or distributed (PostgreSQL,
/// RabbitMQ, policy and router each in a host of its own).
/// </summary>
public abstract class SecretMesh : IAsyncDisposable
{
    public const string CredentialName = "planted-openai";
    public const string Model = "stored-key-model";

    private readonly List<WebApplication> hosts = [];

    protected SecretMesh(MockProviderHandle mock) => Mock = mock;

    public MockProviderHandle Mock { get; }

    public LeakCapture Capture { get; } = new();

    public Uri Ingress { get; private set; } = null!;

    /// <summary>The value of <c>Policy:Database:Provider</c>.</summary>
    public abstract string StoreProvider { get; }

    /// <summary>The policy store's connection string, for the rotate command.</summary>
    public abstract string StoreConnectionString { get; }

    /// <summary>Starts every host with <paramref name="masterKey"/> as the only master key.</summary>
    public async Task StartAsync(string masterKey)
    {
        var args = MeshConfiguration.Common(Mock.BaseAddress);
        args.Add($"--AIMESH_MASTER_KEY={masterKey}");
        args.Add("--Logging:Capture:LogLevel:Default=Trace");
        var index = args.Count(a => a.StartsWith("--Router:Deployments:", StringComparison.Ordinal) && a.Contains(":Name=", StringComparison.Ordinal));
        args.Add($"--Router:Deployments:{index}:Name=stored-key-mock");
        args.Add($"--Router:Deployments:{index}:Model={Model}");
        args.Add($"--Router:Deployments:{index}:Provider=openai");
        args.Add($"--Router:Deployments:{index}:BaseUrl={new Uri(Mock.BaseAddress, "v1")}");
        args.Add($"--Router:Deployments:{index}:UpstreamModel=mock-gpt");
        args.Add($"--Router:Deployments:{index}:ApiKeyCredential={CredentialName}");
        args.Add($"--Router:Deployments:{index}:Api:0=chat.completions");
        Ingress = await StartHostsAsync(args);
        using var http = new HttpClient();
        foreach (var host in hosts)
        {
            await WaitReadyAsync(http, AddressOf(host));
        }
    }

    public async Task StopAsync()
    {
        foreach (var host in Enumerable.Reverse(hosts))
        {
            await host.StopBoundedAsync();
        }

        hosts.Clear();
    }

    /// <summary>Every stored value of the policy store as text: the raw files (SQLite) or every row of every table (PostgreSQL).</summary>
    public abstract Task<string> DumpStoreAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await StopAsync();
        Capture.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<Uri> StartHostsAsync(List<string> args);

    /// <summary>Starts a built host with the capture attached to its logging and its bus.</summary>
    protected async Task<WebApplication> StartHostAsync(WebApplication app)
    {
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Capture);
        var bus = app.Services.GetRequiredService<IBus>();
        bus.ConnectSendObserver(Capture);
        bus.ConnectPublishObserver(Capture);
        bus.ConnectConsumeObserver(Capture);
        await app.StartBoundedAsync();
        hosts.Add(app);
        return app;
    }

    protected static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    protected static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static async Task WaitReadyAsync(HttpClient http, Uri host)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(host, "health/ready"), deadline.Token);
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
