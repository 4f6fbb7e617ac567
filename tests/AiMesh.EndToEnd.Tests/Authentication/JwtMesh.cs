using System.Net;
using System.Net.Sockets;
using AiMesh.EndToEnd.Tests.Infrastructure;
using MassTransit;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// The embedded mesh with three identity providers configured: one publishing RS256 and ES256 keys at a JWKS URL
/// (the test's own <see cref="TestIdentityProvider"/>), one with a static ES256 key in configuration, and one whose
/// JWKS URL nothing answers. Every log line, bus message and span is captured.
/// </summary>
public sealed class JwtMesh : MeshFixture
{
    public const string JwksIssuer = "https://idp.aimesh.test/";
    public const string StaticIssuer = "https://static.aimesh.test/";
    public const string DownIssuer = "https://down.aimesh.test/";
    public const string Audience = "aimesh-gateway";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "aimesh-e2e-jwt-" + Guid.NewGuid().ToString("N"));
    private WebApplication app = null!;

    public TestIdentityProvider Idp { get; private set; } = null!;

    public TestSigningKey Rsa { get; } = TestSigningKey.Rsa("rsa-1");

    public TestSigningKey Ec { get; } = TestSigningKey.Ec("ec-1");

    public TestSigningKey StaticEc { get; } = TestSigningKey.Ec("static-ec");

    public LeakCapture Capture { get; } = new();

    public override string Transport => "in-memory";

    public override Task<IReadOnlyList<UsageRow>> UsageAsync() => MeteringReader.ReadAsync(app.Services);

    protected override async Task<Uri> StartMeshAsync(List<string> args)
    {
        Directory.CreateDirectory(directory);
        Idp = await TestIdentityProvider.StartAsync();
        Idp.Publish(Rsa);
        Idp.Publish(Ec);

        args.AddRange(
        [
            "--Bus:Transport=InMemory",
            "--Mesh:Embedded=true",
            "--Metering:Database:Provider=Sqlite",
            $"--Metering:Database:ConnectionString=Data Source={Path.Combine(directory, "metering.db")}",
            $"--Policy:Database:ConnectionString=Data Source={Path.Combine(directory, "policy.db")}",
            "--Logging:Capture:LogLevel:Default=Trace",
            "--Ingress:Jwt:ClockSkew=00:00:05",
            "--Ingress:Jwt:JwksMinRefreshInterval=00:00:00",
            "--Ingress:Jwt:JwksTimeout=00:00:01",
            $"--Ingress:Jwt:Issuers:0:Issuer={JwksIssuer}",
            $"--Ingress:Jwt:Issuers:0:Audiences:0={Audience}",
            $"--Ingress:Jwt:Issuers:0:JwksUrl={Idp.JwksUrl}",
            "--Ingress:Jwt:Issuers:0:UserClaim=preferred_username",
            "--Ingress:Jwt:Issuers:0:TeamClaim=team",
            "--Ingress:Jwt:Issuers:0:RoleClaim=groups",
            "--Ingress:Jwt:Issuers:0:RoleMap:gateway-users=member",
            "--Ingress:Jwt:Issuers:0:RoleMap:gateway-embedders=embedder",
            $"--Ingress:Jwt:Issuers:1:Issuer={StaticIssuer}",
            $"--Ingress:Jwt:Issuers:1:Audiences:0={Audience}",
            $"--Ingress:Jwt:Issuers:1:Keys:0={StaticEc.PublicPem}",
            "--Ingress:Jwt:Issuers:1:RoleClaim=roles",
            $"--Ingress:Jwt:Issuers:2:Issuer={DownIssuer}",
            $"--Ingress:Jwt:Issuers:2:Audiences:0={Audience}",
            $"--Ingress:Jwt:Issuers:2:JwksUrl=http://127.0.0.1:{ClosedPort()}/jwks",
            "--Policy:Jwt:Roles:member:Models:0=gpt-4o-mini",
            "--Policy:Jwt:Roles:embedder:Models:0=text-embedding-3-small",
            "--Policy:Jwt:Teams:research:Models:0=claude-mock",
        ]);
        app = AiMesh.Ingress.Program.BuildApp([.. args]);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Capture);
        var bus = app.Services.GetRequiredService<IBus>();
        bus.ConnectSendObserver(Capture);
        bus.ConnectPublishObserver(Capture);
        bus.ConnectConsumeObserver(Capture);
        await StartHostAsync(app);
        return AddressOf(app);
    }

    protected override async Task CleanUpAsync()
    {
        await Idp.DisposeAsync();
        Capture.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>A port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
