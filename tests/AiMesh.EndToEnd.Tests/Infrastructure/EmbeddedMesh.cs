namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>The embedded default: all five services in one process on the in-memory bus, metering on SQLite.</summary>
public sealed class EmbeddedMesh : MeshFixture
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
        args.Add($"--Prompts:Database:ConnectionString=Data Source={Path.Combine(_directory, "prompts.db")}");
        _app = await StartHostAsync(AiMesh.Ingress.Program.BuildApp([.. args]));
        return AddressOf(_app);
    }

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
