using AiMesh.EndToEnd.Tests.Authentication;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// The embedded mesh with shadow traffic: every <c>gpt-4o-mini</c> request is also sent to <c>candidate-model</c> (its
/// own deployment on the mock, priced apart so the comparison has two costs). Configured as an operator would, on the
/// command line.
/// </summary>
public sealed class ShadowMesh() : CapturedEmbeddedMesh("shadow")
{
    /// <summary>After the shared deployments (8 OpenAI-shaped, 4 native).</summary>
    private const int CandidateIndex = 12;

    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        var at = $"--Router:Deployments:{CandidateIndex}:";
        args.AddRange(
        [
            "--Router:Models:gpt-4o-mini:Shadow:Model=candidate-model",
            "--Router:Models:gpt-4o-mini:Shadow:Percent=100",
            $"{at}Name=candidate-model-mock",
            $"{at}Model=candidate-model",
            $"{at}Provider=openai",
            $"{at}BaseUrl={new Uri(Mock.BaseAddress, "v1")}",
            $"{at}UpstreamModel=mock-gpt",
            $"{at}ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY",
            $"{at}Headers:x-deployment=candidate-model",
            $"{at}Api:0=chat.completions",
            $"{at}Price:Input=3",
            $"{at}Price:Output=6",
        ]);
        return Task.CompletedTask;
    }
}
