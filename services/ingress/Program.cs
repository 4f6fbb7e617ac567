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
        var app = BuildApp(args);
        await app.RunAsync();
    }

    public static WebApplication BuildApp(string[] args) => MeshHost.Build(args, "aimesh-ingress", Modules);

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
