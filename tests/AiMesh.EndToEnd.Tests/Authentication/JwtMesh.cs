using System.Net;
using System.Net.Sockets;
using MassTransit;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// The embedded mesh with three identity providers configured: one publishing RS256 and ES256 keys at a JWKS URL
/// (the test's own <see cref="TestIdentityProvider"/>), one with a static ES256 key in configuration, and one whose
/// JWKS URL nothing answers. Every log line, bus message and span is captured.
/// </summary>
public sealed class JwtMesh() : CapturedEmbeddedMesh("jwt")
{
    public const string JwksIssuer = "https://idp.aimesh.test/";
    public const string StaticIssuer = "https://static.aimesh.test/";
    public const string DownIssuer = "https://down.aimesh.test/";
    public const string Audience = "aimesh-gateway";

    public TestIdentityProvider Idp { get; private set; } = null!;

    public TestSigningKey Rsa { get; } = TestSigningKey.Rsa("rsa-1");

    public TestSigningKey Ec { get; } = TestSigningKey.Ec("ec-1");

    public TestSigningKey StaticEc { get; } = TestSigningKey.Ec("static-ec");

    protected override async Task ConfigureAsync(List<string> args, string directory)
    {
        Idp = await TestIdentityProvider.StartAsync();
        Idp.Publish(Rsa);
        Idp.Publish(Ec);

        args.AddRange(
        [
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
    }

    protected override void Observe(WebApplication host)
    {
        var bus = host.Services.GetRequiredService<IBus>();
        bus.ConnectSendObserver(Capture);
        bus.ConnectPublishObserver(Capture);
        bus.ConnectConsumeObserver(Capture);
    }

    protected override async Task CleanUpAsync()
    {
        await Idp.DisposeAsync();
        await base.CleanUpAsync();
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
