using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AiMesh.EndToEnd.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// The embedded mesh listening on HTTP and HTTPS with client certificates in <see cref="Mode"/>, trusting one CA made
/// at run time; <c>CN=billing-service</c> from that CA is the principal <c>billing-service</c> of team <c>finance</c>,
/// role member.
/// </summary>
public abstract class MtlsMesh : MeshFixture
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "aimesh-e2e-mtls-" + Guid.NewGuid().ToString("N"));
    private WebApplication app = null!;

    public X509Certificate2 Authority { get; } = TestCertificates.Authority("AiMesh Test Client CA");

    public X509Certificate2 ServerCertificate { get; } = TestCertificates.Server();

    public LeakCapture Capture { get; } = new();

    public Uri Https { get; private set; } = null!;

    public override string Transport => "in-memory";

    /// <summary>The <c>Ingress:ClientCertificates:Mode</c> the mesh runs with.</summary>
    protected abstract string Mode { get; }

    public override Task<IReadOnlyList<UsageRow>> UsageAsync() => MeteringReader.ReadAsync(app.Services);

    /// <summary>A client that presents <paramref name="certificate"/> (or none) and trusts only the test server's certificate.</summary>
    public HttpClient ClientWith(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null
                    && presented.GetCertHashString() == ServerCertificate.GetCertHashString(),
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    protected override async Task<Uri> StartMeshAsync(List<string> args)
    {
        Directory.CreateDirectory(directory);
        var ca = Path.Combine(directory, "clients-ca.pem");
        var serverCertificate = Path.Combine(directory, "server.pem");
        var serverKey = Path.Combine(directory, "server.key");
        TestCertificates.WritePem(Authority, ca);
        TestCertificates.WritePem(ServerCertificate, serverCertificate, serverKey);

        args.AddRange(
        [
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
            "--Bus:Transport=InMemory",
            "--Mesh:Embedded=true",
            "--Metering:Database:Provider=Sqlite",
            $"--Metering:Database:ConnectionString=Data Source={Path.Combine(directory, "metering.db")}",
            $"--Policy:Database:ConnectionString=Data Source={Path.Combine(directory, "policy.db")}",
            "--Logging:Capture:LogLevel:Default=Trace",
            $"--Ingress:Https:CertificatePath={serverCertificate}",
            $"--Ingress:Https:KeyPath={serverKey}",
            $"--Ingress:ClientCertificates:Mode={Mode}",
            $"--Ingress:ClientCertificates:CaBundlePath={ca}",
            "--Ingress:ClientCertificates:Principals:0:Subject=CN=billing-service, O=AiMesh Tests",
            "--Ingress:ClientCertificates:Principals:0:User=billing-service",
            "--Ingress:ClientCertificates:Principals:0:Team=finance",
            "--Ingress:ClientCertificates:Principals:0:Roles:0=member",
            "--Policy:Jwt:Roles:member:Models:0=gpt-4o-mini",
        ]);
        app = AiMesh.Ingress.Program.BuildApp([.. args]);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Capture);
        await StartHostAsync(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Https = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));
        return new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)));
    }

    protected override Task CleanUpAsync()
    {
        Capture.Dispose();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }
}
