using AiMesh.EndToEnd.Tests.Authentication;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Prompts;

/// <summary>
/// The embedded mesh for prompt APIs: the prompt registry on SQLite in the mesh's own directory, and a key allowed
/// nothing but the API <c>prompt:sentiment</c>.
/// </summary>
public sealed class PromptApiMesh() : CapturedEmbeddedMesh("prompt-apis")
{
    public const string ApiOnlyKey = "sk-aimesh-test-api-only-0123456789abcdef";

    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        args.AddRange(
        [
            $"--Prompts:Database:ConnectionString=Data Source={Path.Combine(directory, "prompts.db")}",
            "--Policy:Keys:2:Id=api-only-key",
            "--Policy:Keys:2:Principal=api-only-app",
            $"--Policy:Keys:2:Sha256={MeshConfiguration.Sha256(ApiOnlyKey)}",
            "--Policy:Keys:2:Models:0=prompt:sentiment",
        ]);
        return Task.CompletedTask;
    }
}
