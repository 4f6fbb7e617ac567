using AiMesh.EndToEnd.Tests.Authentication;

namespace AiMesh.EndToEnd.Tests.Prompts;

/// <summary>The embedded mesh for prompt chains: the shared deployments, the prompt registry in a SQLite file of its own.</summary>
public sealed class ChainMesh() : CapturedEmbeddedMesh("chains")
{
    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        args.Add($"--Prompts:Database:ConnectionString=Data Source={Path.Combine(directory, "prompts.db")}");
        return Task.CompletedTask;
    }
}
