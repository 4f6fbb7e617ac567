using AiMesh.Hosting;
using AiMesh.Metering;
using AiMesh.Policy;
using AiMesh.Prompts;
using AiMesh.Router;

namespace AiMesh.Ingress;

/// <summary>
/// The ingress host. With <c>Mesh:Embedded</c> (the default) it also hosts policy, prompts, router and
/// metering in this process on the in-memory bus; distributed, each of those runs as its own process.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = MeshHost.CreateBuilder(args);
        await QuickStart.ApplyAsync(builder);
        var app = MeshHost.Build(builder, "aimesh-ingress", Modules(builder));
        await app.RunAsync();
    }

    /// <summary>The host as configured by <paramref name="args"/> alone (no quick start): what tests start.</summary>
    public static WebApplication BuildApp(string[] args)
    {
        var builder = MeshHost.CreateBuilder(args);
        return MeshHost.Build(builder, "aimesh-ingress", Modules(builder));
    }

    internal static IReadOnlyList<IMeshModule> Modules(IHostApplicationBuilder builder)
    {
        var modules = new List<IMeshModule> { new IngressModule() };
        if (builder.Configuration.GetValue("Mesh:Embedded", true))
        {
            modules.AddRange([new PolicyModule(), new PromptsModule(), new RouterModule(), new MeteringModule()]);
        }

        return modules;
    }
}
