using AiMesh.Hosting;

namespace AiMesh.Policy;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = MeshHost.Build(args, "aimesh-policy", _ => [new PolicyModule()]);
        await app.RunAsync();
    }
}
