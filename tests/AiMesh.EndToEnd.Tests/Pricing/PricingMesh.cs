using System.Collections.Concurrent;
using System.Globalization;
using AiMesh.Contracts.Integration;
using AiMesh.EndToEnd.Tests.Infrastructure;
using MassTransit;

namespace AiMesh.EndToEnd.Tests.Pricing;

/// <summary>
/// The embedded mesh with two deployments more: <c>discount-model</c> (the mock's model with its own Price block) and
/// <c>unlisted-model</c> (a model the price table does not know), a client key of team <c>research</c>
/// (<see cref="TeamKey"/>), and every <see cref="UsageMetered"/> it publishes.
/// </summary>
public class PricingMesh : MeshFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aimesh-e2e-pricing-" + Guid.NewGuid().ToString("N"));
    private readonly MeteredRecorder _metered = new();
    private WebApplication _app = null!;

    public const string TeamKey = "sk-aimesh-e2e-team-research-5b2c";

    public override string Transport => "in-memory";

    /// <summary>Every UsageMetered published so far.</summary>
    public IReadOnlyCollection<UsageMetered> Metered => _metered.Messages;

    public override Task<IReadOnlyList<UsageRow>> UsageAsync() => MeteringReader.ReadAsync(_app.Services);

    /// <summary>Extra settings of a derived fixture.</summary>
    protected virtual IEnumerable<string> Extra => [];

    protected override async Task<Uri> StartMeshAsync(List<string> args)
    {
        Directory.CreateDirectory(_directory);
        var next = args.Where(a => a.StartsWith("--Router:Deployments:", StringComparison.Ordinal))
            .Select(a => int.Parse(a.Split(':')[2], CultureInfo.InvariantCulture)).Max() + 1;
        foreach (var (name, upstream, index) in new[] { ("discount-model", "mock-gpt", next), ("unlisted-model", "mock-unlisted", next + 1) })
        {
            var at = $"--Router:Deployments:{index}:";
            args.AddRange([$"{at}Name={name}", $"{at}Model={name}", $"{at}Provider=openai", $"{at}BaseUrl={new Uri(Mock.BaseAddress, "v1")}",
                $"{at}UpstreamModel={upstream}", $"{at}ApiKeyEnv=AIMESH_TEST_PROVIDER_KEY", $"{at}Api:0=chat.completions"]);
        }

        args.Add($"--Router:Deployments:{next}:Price:Input=0.5");
        args.Add($"--Router:Deployments:{next}:Price:Output=0.25");
        var key = args.Where(a => a.StartsWith("--Policy:Keys:", StringComparison.Ordinal))
            .Select(a => int.Parse(a.Split(':')[2], CultureInfo.InvariantCulture)).Max() + 1;
        args.AddRange([$"--Policy:Keys:{key}:Id=team-key", $"--Policy:Keys:{key}:Principal=research-app", $"--Policy:Keys:{key}:Team=research",
            $"--Policy:Keys:{key}:Sha256={MeshConfiguration.Sha256(TeamKey)}", $"--Policy:Keys:{key}:Models:0=*"]);
        args.Add("--Bus:Transport=InMemory");
        args.Add("--Mesh:Embedded=true");
        args.Add("--Metering:Database:Provider=Sqlite");
        args.Add($"--Metering:Database:ConnectionString=Data Source={Path.Combine(_directory, "metering.db")}");
        args.AddRange(Extra);
        var app = AiMesh.Ingress.Program.BuildApp([.. args]);
        app.Services.GetRequiredService<IBus>().ConnectPublishObserver(_metered);
        _app = await StartHostAsync(app);
        return AddressOf(_app);
    }

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private sealed class MeteredRecorder : IPublishObserver
    {
        private readonly ConcurrentQueue<UsageMetered> messages = new();

        public IReadOnlyCollection<UsageMetered> Messages => messages;

        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            if (context.Message is UsageMetered metered)
            {
                messages.Enqueue(metered);
            }

            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
