using AiMesh.Hosting;
using AiMesh.Policy.Store;

namespace AiMesh.Policy;

public static class Program
{
    /// <summary><c>AiMesh.Policy</c> serves; <c>AiMesh.Policy migrate</c> brings the schema to the current version and exits.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is [MigrateCommand.Name, .. var rest])
        {
            return await MigrateCommand.RunAsync(rest);
        }

        var app = MeshHost.Build(args, "aimesh-policy", _ => [new PolicyModule()]);
        await app.RunAsync();
        return 0;
    }
}
