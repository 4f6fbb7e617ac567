using AiMesh.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>
/// The consumer process: Kestrel plus the bus, composed like MeshHost composes a service, without telemetry
/// export and health checks (neither is on the chunk path unless configured, and the floor is what is measured).
/// </summary>
internal static class ConsumerHost
{
    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A paced stream sends a few hundred bytes per chunk at the pace of the model; the minimum body rate
            // is for clients, not for an internal producer.
            kestrel.Limits.MinRequestBodyDataRate = null;
        });

        IMeshModule[] modules = [new ConsumerModule()];
        foreach (var module in modules)
        {
            module.ConfigureServices(builder);
        }

        builder.AddMeshBus(modules);
        var app = builder.Build();
        foreach (var module in modules)
        {
            module.MapEndpoints(app);
        }

        await app.RunAsync();
    }
}
