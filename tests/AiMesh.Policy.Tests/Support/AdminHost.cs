using System.Net.Http.Headers;
using AiMesh.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AiMesh.Policy.Tests.Support;

/// <summary>
/// The policy service as deployed (<see cref="MeshHost"/>, the in-memory bus) on a real socket, port 0, with the
/// bootstrap admin key set; every log line captured. Without a database setting the store is a fresh SQLite file.
/// </summary>
internal sealed class AdminHost : IAsyncDisposable
{
    public const string BootstrapKey = "sk-aimesh-bootstrap-0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>The master key every admin host has unless a test sets <c>AIMESH_MASTER_KEY</c> itself ("" for none).</summary>
    public static readonly string MasterKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    private readonly WebApplication app;
    private readonly string? folder;

    private AdminHost(WebApplication app, CapturedLogs logs, string? folder, Uri address)
    {
        this.app = app;
        this.folder = folder;
        Logs = logs;
        Address = address;
    }

    public Uri Address { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<AdminHost> StartAsync(Dictionary<string, string?>? settings = null, params IMeshModule[] neighbours)
    {
        settings = new(settings ?? [], StringComparer.OrdinalIgnoreCase);
        string? folder = null;
        if (!settings.ContainsKey("Policy:Database:ConnectionString"))
        {
            folder = Directory.CreateTempSubdirectory("aimesh-admin-host-").FullName;
            settings["Policy:Database:Provider"] = "Sqlite";
            settings["Policy:Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "policy.db")}";
        }

        // The prompts service, when a test hosts it beside policy: its registry in a file of this host's too.
        if (!settings.ContainsKey("Prompts:Database:ConnectionString"))
        {
            folder ??= Directory.CreateTempSubdirectory("aimesh-admin-host-").FullName;
            settings["Prompts:Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "prompts.db")}";
        }

        settings.TryAdd("Policy:Admin:BootstrapKey", BootstrapKey);
        settings.TryAdd("AIMESH_MASTER_KEY", MasterKey);

        // Admin tests send wrong keys on purpose from 127.0.0.1; the guessing limit is off unless a test sets it.
        settings.TryAdd("Policy:FailedAttempts:Limit", "0");
        settings.TryAdd("Bus:Transport", "InMemory");
        var builder = MeshHost.CreateBuilder([]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var app = MeshHost.Build(builder, "aimesh-policy", [new PolicyModule(), .. neighbours]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new AdminHost(app, logs, folder, new Uri(app.Urls.First()));
    }

    /// <summary>A client that sends <paramref name="key"/> as a bearer token (none when null).</summary>
    public HttpClient Client(string? key = BootstrapKey)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        if (folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
