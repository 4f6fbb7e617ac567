using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider;

/// <summary>
/// The standalone mock: <c>dotnet run --project tools/mock-provider -- --urls http://127.0.0.1:9100</c>
/// (127.0.0.1:9100 is also the default when no URL or port is configured). Defaults for every request come from
/// the <c>MockProvider</c> section, e.g. <c>--MockProvider:Tokens=16 --MockProvider:PaceMs=20</c>.
/// </summary>
public static class Program
{
    private const string DefaultUrl = "http://127.0.0.1:9100";

    public static async Task Main(string[] args)
    {
        // Configuration read once, not watched: the default watcher covers everything under the content root (for the
        // benchmark, the whole checkout, where the embedded mesh writes its SQLite files), as in MeshHost.CreateBuilder.
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        var options = new MockProviderOptions { LogLevel = LogLevel.Information };
        builder.Configuration.GetSection("MockProvider").Bind(options);
        options.Validate();
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"])
            && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"])
            && string.IsNullOrWhiteSpace(builder.Configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.SetMinimumLevel(options.LogLevel);

        // A line per request would drown the start-up lines at the benchmark's request rates.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var (app, _) = MockProviderApp.Build(builder, options);
        await app.RunAsync();
    }
}
