using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Routing;

/// <summary>
/// The embedded mesh with a model of two regional deployments, a rule target and the ingress passing one routing
/// header: <c>regional-model</c> served by <c>regional-us</c> (region <c>us</c>, tried first) and <c>regional-eu</c>
/// (region <c>eu</c>); <c>routed-model</c>, where the rules on the <c>x-aimesh-route</c> header and on the
/// <c>route</c> metadata entry send a request. Each deployment has an upstream model name of its own, so the mock's
/// recording says which was called.
/// </summary>
public sealed class ConditionalRoutingMesh : MeshFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aimesh-e2e-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;

    public override string Transport => "in-memory";

    public override Task<IReadOnlyList<UsageRow>> UsageAsync() => MeteringReader.ReadAsync(_app.Services);

    protected override async Task<Uri> StartMeshAsync(List<string> args)
    {
        Directory.CreateDirectory(_directory);
        args.Add("--Bus:Transport=InMemory");
        args.Add("--Mesh:Embedded=true");
        args.Add("--Metering:Database:Provider=Sqlite");
        args.Add($"--Metering:Database:ConnectionString=Data Source={Path.Combine(_directory, "metering.db")}");
        var mock = new Uri(Mock.BaseAddress, "v1");
        foreach (var (index, name, model, upstream, region) in new[]
                 {
                     (50, "regional-us", "regional-model", "mock-us", "us"),
                     (51, "regional-eu", "regional-model", "mock-eu", "eu"),
                     (52, "routed", "routed-model", "mock-routed", ""),
                 })
        {
            var at = $"--Router:Deployments:{index}:";
            args.AddRange([$"{at}Name={name}", $"{at}Model={model}", $"{at}Provider=openai", $"{at}BaseUrl={mock}", $"{at}UpstreamModel={upstream}",
                $"{at}ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY", $"{at}Api:0=chat.completions"]);
            if (region.Length > 0)
            {
                args.Add($"{at}Regions:0={region}");
            }
        }

        args.Add("--Router:Deployments:51:Priority=1");
        args.Add("--Ingress:RoutingHeaders:0=x-aimesh-route");
        args.Add("--Router:Rules:0:Name=by-header");
        args.Add("--Router:Rules:0:Headers:x-aimesh-route=routed");
        args.Add("--Router:Rules:0:Target=routed-model");
        args.Add("--Router:Rules:1:Name=by-metadata");
        args.Add("--Router:Rules:1:Metadata:route=routed");
        args.Add("--Router:Rules:1:Target=routed-model");
        _app = await StartHostAsync(AiMesh.Ingress.Program.BuildApp([.. args]));
        return AddressOf(_app);
    }

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
