using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiMesh.Hosting;

/// <summary>Builds the web host for a set of modules: one module when distributed, all of them when embedded.</summary>
public static class MeshHost
{
    /// <summary>
    /// A builder whose configuration files are read once, at start, and not watched. ASP.NET Core's default watches the
    /// content root and everything under it for changes to appsettings.json; the embedded mesh keeps its SQLite files
    /// in <c>data/</c> beneath it, so every usage row woke the watcher of this process and of any other .NET process
    /// rooted above it (measured: about 0.15 of a core in an idle neighbour, docs/benchmarks.md). Nothing here re-reads
    /// configuration while running; an operator can still turn it back on with
    /// <c>--hostBuilder:reloadConfigOnChange=true</c>.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

    public static WebApplication Build(string[] args, string serviceName, Func<IHostApplicationBuilder, IReadOnlyList<IMeshModule>> modules)
    {
        var builder = CreateBuilder(args);
        return Build(builder, serviceName, modules(builder));
    }

    public static WebApplication Build(WebApplicationBuilder builder, string serviceName, IReadOnlyList<IMeshModule> modules)
    {
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.AddHealthChecks();
        foreach (var module in modules)
        {
            module.ConfigureServices(builder);
        }

        builder.AddMeshBus(modules);
        builder.AddMeshTelemetry(serviceName);
        builder.AddMeshMetrics(serviceName);

        var app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        // Degraded is not ready: MassTransit reports a bus that is reconnecting to its broker as degraded.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapMeshMetrics();
        foreach (var module in modules)
        {
            module.MapEndpoints(app);
        }

        return app;
    }
}
