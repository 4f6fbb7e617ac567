using System.Globalization;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// The distributed mesh (two router replicas sharing deployment health over RabbitMQ) with <c>chaos-model</c>: three
/// deployments drawn by weight, of which <c>chaos-a</c> fails every other call with a 500 (the mock's
/// <c>statusEvery=2</c>).
/// </summary>
public sealed class ChaosMesh : DistributedMesh
{
    public const string Model = "chaos-model";

    public const string FailingSpec = "status=500;statusEvery=2;tag=chaos";

    protected override Task<Uri> StartMeshAsync(List<string> args)
    {
        var next = args.Where(a => a.StartsWith("--Router:Deployments:", StringComparison.Ordinal))
            .Select(a => int.Parse(a.Split(':')[2], CultureInfo.InvariantCulture)).Max() + 1;
        var deployments = new[]
        {
            ("chaos-a", new Uri(new Uri(Mock.BaseAddress, "s/" + Uri.EscapeDataString(FailingSpec) + "/"), "v1")),
            ("chaos-b", new Uri(Mock.BaseAddress, "v1")),
            ("chaos-c", new Uri(Mock.BaseAddress, "v1")),
        };
        foreach (var (name, baseUrl) in deployments)
        {
            var at = $"--Router:Deployments:{next++}:";
            args.AddRange([$"{at}Name={name}", $"{at}Model={Model}", $"{at}Provider=openai", $"{at}BaseUrl={baseUrl}",
                $"{at}UpstreamModel=mock-gpt", $"{at}ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY", $"{at}Headers:x-deployment={name}", $"{at}Api:0=chat.completions"]);
        }

        args.Add($"--Router:Models:{Model}:Strategy=weighted");
        return base.StartMeshAsync(args);
    }
}
