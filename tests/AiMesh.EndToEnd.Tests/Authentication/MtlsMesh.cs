using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// The embedded mesh listening on HTTP and HTTPS with client certificates in <see cref="Mode"/>, trusting one CA made
/// at run time; <c>CN=billing-service</c> from that CA is the principal <c>billing-service</c> of team <c>finance</c>,
/// role member.
/// </summary>
public abstract class MtlsMesh() : CapturedEmbeddedMesh("mtls")
{
    public X509Certificate2 Authority { get; } = TestCertificates.Authority("AiMesh Test Client CA");

    public X509Certificate2 ServerCertificate { get; } = TestCertificates.Server();

    public Uri Https { get; private set; } = null!;

    /// <summary>The <c>Ingress:ClientCertificates:Mode</c> the mesh runs with.</summary>
    protected abstract string Mode { get; }

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

    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        var ca = Path.Combine(directory, "clients-ca.pem");
        var serverCertificate = Path.Combine(directory, "server.pem");
        var serverKey = Path.Combine(directory, "server.key");
        TestCertificates.WritePem(Authority, ca);
        TestCertificates.WritePem(ServerCertificate, serverCertificate, serverKey);

        args.AddRange(
        [
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
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
        return Task.CompletedTask;
    }

    /// <summary>Listening on HTTP and HTTPS: <see cref="Https"/> is kept, the HTTP address is the ingress.</summary>
    protected override Uri IngressOf(WebApplication host)
    {
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Https = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));
        return new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)));
    }
}
