using AiMesh.Hosting;

namespace AiMesh.Prompts;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = MeshHost.Build(args, "aimesh-prompts", _ => [new PromptsModule()]);
        await app.RunAsync();
    }
}
