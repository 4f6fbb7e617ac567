using AiMesh.Hosting;

namespace AiMesh.Router;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = MeshHost.Build(args, "aimesh-router", _ => [new RouterModule()]);
        await app.RunAsync();
    }
}
