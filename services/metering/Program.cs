using AiMesh.Hosting;
using AiMesh.Metering.Projections;

namespace AiMesh.Metering;

public static class Program
{
    /// <summary>
    /// <c>AiMesh.Metering</c> serves; <c>AiMesh.Metering rebuild-projections</c> recomputes the usage rollups from the
    /// usage events and exits.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is [RebuildProjectionsCommand.Name, ..])
        {
            return await RebuildProjectionsCommand.RunAsync(args[1..]);
        }

        var app = MeshHost.Build(args, "aimesh-metering", _ => [new MeteringModule()]);
        await app.RunAsync();
        return 0;
    }
}
