using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// The embedded mesh for the authentication tests: in-memory bus, metering and policy on SQLite in a directory of its
/// own, and every log line (at Trace) captured in <see cref="Capture"/>, to show that no credential leaks.
/// Subclasses add their configuration and whatever else they capture.
/// </summary>
public abstract class CapturedEmbeddedMesh(string name) : MeshFixture
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"aimesh-e2e-{name}-" + Guid.NewGuid().ToString("N"));
    private WebApplication app = null!;

    public LeakCapture Capture { get; } = new();

    public override string Transport => "in-memory";

    /// <summary>The running host's services, for reading what a module holds (a budget's spend).</summary>
    public IServiceProvider Services => app.Services;

    public override Task<IReadOnlyList<UsageRow>> UsageAsync() => MeteringReader.ReadAsync(app.Services);

    /// <summary>Adds the mesh's own arguments after the shared ones; any file it needs goes in <paramref name="directory"/>.</summary>
    protected abstract Task ConfigureAsync(List<string> args, string directory);

    /// <summary>Connects whatever else the mesh captures, before the host starts.</summary>
    protected virtual void Observe(WebApplication host)
    {
    }

    /// <summary>The address the tests' <see cref="MeshFixture.Ingress"/> is: by default the first the host listens on.</summary>
    protected virtual Uri IngressOf(WebApplication host) => AddressOf(host);

    protected override async Task<Uri> StartMeshAsync(List<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Directory.CreateDirectory(directory);
        args.AddRange(
        [
            "--Bus:Transport=InMemory",
            "--Mesh:Embedded=true",
            "--Metering:Database:Provider=Sqlite",
            $"--Metering:Database:ConnectionString=Data Source={Path.Combine(directory, "metering.db")}",
            $"--Policy:Database:ConnectionString=Data Source={Path.Combine(directory, "policy.db")}",
            "--Logging:Capture:LogLevel:Default=Trace",
        ]);
        await ConfigureAsync(args, directory);
        app = AiMesh.Ingress.Program.BuildApp([.. args]);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Capture);
        Observe(app);
        await StartHostAsync(app);
        return IngressOf(app);
    }

    protected override Task CleanUpAsync()
    {
        Capture.Dispose();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }
}
