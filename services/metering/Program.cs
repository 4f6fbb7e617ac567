using AiMesh.Hosting;

namespace AiMesh.Metering;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = MeshHost.Build(args, "aimesh-metering", _ => [new MeteringModule()]);
        await app.RunAsync();
    }
}
