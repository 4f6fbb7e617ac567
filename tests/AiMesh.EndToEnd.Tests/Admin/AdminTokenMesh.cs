using System.Net;
using System.Net.Sockets;
using AiMesh.EndToEnd.Tests.Authentication;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>
/// The embedded mesh with identity providers for the admin API (<c>Policy:Admin:Jwt</c>) and, beside them, one for the
/// OpenAI surface (<c>Ingress:Jwt</c>), all served by the test's own <see cref="TestIdentityProvider"/>: the two
/// verifiers of one process, each with its own issuers. Admin issuers: <see cref="Sso"/> (roles in <c>groups</c>,
/// mapped), <see cref="SsoWithoutRoles"/> (no role claim: the stored role holds) and <see cref="DownSso"/>, whose JWKS
/// URL nothing answers. Every log line, bus message and span is captured.
/// </summary>
public sealed class AdminTokenMesh() : CapturedEmbeddedMesh("admin-jwt")
{
    public const string Sso = "https://sso.aimesh.test/";
    public const string SsoWithoutRoles = "https://sso-plain.aimesh.test/";
    public const string DownSso = "https://sso-down.aimesh.test/";
    public const string AdminAudience = "aimesh-admin";
    public const string ApiIssuer = "https://idp.aimesh.test/";
    public const string ApiAudience = "aimesh-gateway";

    private WebApplication host = null!;

    public TestIdentityProvider Idp { get; private set; } = null!;

    public TestSigningKey Rsa { get; } = TestSigningKey.Rsa("sso-rsa");

    public TestSigningKey Ec { get; } = TestSigningKey.Ec("sso-ec");

    /// <summary>Removes a user row as an operator with database access would (the API has no user deletion).</summary>
    public async Task DeleteUserAsync(Guid userId)
    {
        var databases = host.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>();
        await using var db = await databases.CreateDbContextAsync();
        Assert.Equal(1, await db.Users.Where(u => u.Id == userId).ExecuteDeleteAsync());
    }

    protected override async Task ConfigureAsync(List<string> args, string directory)
    {
        Idp = await TestIdentityProvider.StartAsync();
        Idp.Publish(Rsa);
        Idp.Publish(Ec);
        args.AddRange(
        [
            "--Policy:Admin:Jwt:JwksMinRefreshInterval=00:00:00",
            "--Policy:Admin:Jwt:JwksTimeout=00:00:01",
            "--Policy:Admin:Jwt:ClockSkew=00:00:05",
            $"--Policy:Admin:Jwt:Issuers:0:Issuer={Sso}",
            $"--Policy:Admin:Jwt:Issuers:0:Audiences:0={AdminAudience}",
            $"--Policy:Admin:Jwt:Issuers:0:JwksUrl={Idp.JwksUrl}",
            "--Policy:Admin:Jwt:Issuers:0:RoleClaim=groups",
            "--Policy:Admin:Jwt:Issuers:0:RoleMap:aimesh-admins=admin",
            "--Policy:Admin:Jwt:Issuers:0:RoleMap:aimesh-org-admins=org_admin",
            "--Policy:Admin:Jwt:Issuers:0:RoleMap:aimesh-members=member",
            "--Policy:Admin:Jwt:Issuers:0:RoleMap:aimesh-viewers=viewer",
            $"--Policy:Admin:Jwt:Issuers:1:Issuer={SsoWithoutRoles}",
            $"--Policy:Admin:Jwt:Issuers:1:Audiences:0={AdminAudience}",
            $"--Policy:Admin:Jwt:Issuers:1:JwksUrl={Idp.JwksUrl}",
            $"--Policy:Admin:Jwt:Issuers:2:Issuer={DownSso}",
            $"--Policy:Admin:Jwt:Issuers:2:Audiences:0={AdminAudience}",
            $"--Policy:Admin:Jwt:Issuers:2:JwksUrl=http://127.0.0.1:{ClosedPort()}/jwks",
            $"--Ingress:Jwt:Issuers:0:Issuer={ApiIssuer}",
            $"--Ingress:Jwt:Issuers:0:Audiences:0={ApiAudience}",
            $"--Ingress:Jwt:Issuers:0:JwksUrl={Idp.JwksUrl}",
            "--Ingress:Jwt:Issuers:0:RoleClaim=groups",
            "--Policy:Jwt:Roles:admin:Models:0=*",
            "--Policy:Jwt:Roles:org_admin:Models:0=gpt-4o-mini",
            "--Policy:Jwt:Roles:member:Models:0=gpt-4o-mini",
        ]);
    }

    protected override void Observe(WebApplication host) => this.host = host;

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
