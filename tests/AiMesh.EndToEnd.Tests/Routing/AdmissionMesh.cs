using AiMesh.EndToEnd.Tests.Authentication;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// The embedded mesh with a model whose one deployment takes one call at a time (<c>Limits:Concurrent</c> 1) and
/// answers after a second: requests beyond it wait for capacity (issue 6, admission by queue). Configured as an
/// operator would, on the command line.
/// </summary>
public sealed class AdmissionMesh() : CapturedEmbeddedMesh("admission")
{
    /// <summary>After the shared deployments (8 OpenAI-shaped, 4 native).</summary>
    private const int QueueIndex = 12;

    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        var at = $"--Router:Deployments:{QueueIndex}:";
        args.AddRange(
        [
            $"{at}Name=queue-model-mock",
            $"{at}Model=queue-model",
            $"{at}Provider=openai",
            $"{at}BaseUrl={new Uri(new Uri(Mock.BaseAddress, "s/" + Uri.EscapeDataString("latency=1000") + "/"), "v1")}",
            $"{at}UpstreamModel=mock-gpt",
            $"{at}ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY",
            $"{at}Headers:x-deployment=queue-model",
            $"{at}Api:0=chat.completions",
            $"{at}Limits:Concurrent=1",
        ]);
        return Task.CompletedTask;
    }
}
