using AiMesh.EndToEnd.Tests.Infrastructure;
using MassTransit;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// The distributed mesh (RabbitMQ, PostgreSQL, two policy replicas) with one JWKS issuer for the OpenAI surface
/// (<c>Ingress:Jwt</c>) and one for the admin API (<c>Policy:Admin:Jwt</c>, verified by policy itself); every message
/// the policy replicas consume from the broker and every line they log is captured.
/// </summary>
public sealed class DistributedJwtMesh : DistributedMesh
{
    public const string Issuer = "https://idp.aimesh.test/";
    public const string Audience = "aimesh-gateway";
    public const string AdminIssuer = "https://sso.aimesh.test/";
    public const string AdminAudience = "aimesh-admin";

    public TestIdentityProvider Idp { get; private set; } = null!;

    public TestSigningKey Rsa { get; } = TestSigningKey.Rsa("rsa-distributed");

    public LeakCapture Capture { get; } = new();

    protected override async Task<Uri> StartMeshAsync(List<string> args)
    {
        Idp = await TestIdentityProvider.StartAsync();
        Idp.Publish(Rsa);
        args.AddRange(
        [
            $"--Ingress:Jwt:Issuers:0:Issuer={Issuer}",
            $"--Ingress:Jwt:Issuers:0:Audiences:0={Audience}",
            $"--Ingress:Jwt:Issuers:0:JwksUrl={Idp.JwksUrl}",
            "--Ingress:Jwt:Issuers:0:TeamClaim=team",
            "--Ingress:Jwt:Issuers:0:RoleClaim=roles",
            "--Policy:Jwt:Roles:member:Models:0=gpt-4o-mini",
            $"--Policy:Admin:Jwt:Issuers:0:Issuer={AdminIssuer}",
            $"--Policy:Admin:Jwt:Issuers:0:Audiences:0={AdminAudience}",
            $"--Policy:Admin:Jwt:Issuers:0:JwksUrl={Idp.JwksUrl}",
            "--Policy:Admin:Jwt:Issuers:0:RoleClaim=roles",
            "--Logging:Capture:LogLevel:Default=Trace",
        ]);
        var ingress = await base.StartMeshAsync(args);
        foreach (var policy in Policies)
        {
            policy.Services.GetRequiredService<ILoggerFactory>().AddProvider(Capture);
            policy.Services.GetRequiredService<IBus>().ConnectConsumeObserver(Capture);
        }

        return ingress;
    }

    /// <summary>Where a policy replica listens: its admin API, reached without the ingress.</summary>
    public Uri PolicyAddress(int replica) => AddressOf(Policies[replica]);

    protected override async Task CleanUpAsync()
    {
        await Idp.DisposeAsync();
        Capture.Dispose();
        await base.CleanUpAsync();
    }
}
