using AiMesh.EndToEnd.Tests.Authentication;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// The embedded mesh with fallbacks: <c>broken-model</c> (every call a 500) falls back to <c>gpt-4o-mini</c>, and
/// <c>too-long-model</c> (every call a 400 <c>context_length_exceeded</c>) has <c>gpt-4o-mini</c> as its larger-context
/// group. Configured as an operator would, on the command line.
/// </summary>
public sealed class FallbackMesh() : CapturedEmbeddedMesh("fallbacks")
{
    /// <summary>After the shared deployments (8 OpenAI-shaped, 4 native).</summary>
    private const int TooLongIndex = 12;

    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        var at = $"--Router:Deployments:{TooLongIndex}:";
        args.AddRange(
        [
            "--Router:Models:broken-model:Fallbacks:0=gpt-4o-mini",
            "--Router:Models:too-long-model:ContextFallbacks:0=gpt-4o-mini",
            $"{at}Name=too-long-model-mock",
            $"{at}Model=too-long-model",
            $"{at}Provider=openai",
            $"{at}BaseUrl={new Uri(new Uri(Mock.BaseAddress, "s/" + Uri.EscapeDataString("errorCode=context_length_exceeded") + "/"), "v1")}",
            $"{at}UpstreamModel=mock-gpt",
            $"{at}ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY",
            $"{at}Headers:x-deployment=too-long-model",
            $"{at}Api:0=chat.completions",
        ]);
        return Task.CompletedTask;
    }
}
