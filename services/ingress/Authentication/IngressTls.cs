using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AiMesh.Ingress.Authentication;

/// <summary>
/// Kestrel's HTTPS: the server certificate from <see cref="IngressHttpsOptions"/> for every <c>https://</c> address, and
/// client certificates asked for when <see cref="ClientCertificateOptions.Mode"/> is not Off. The TLS handshake accepts
/// any client certificate (and none); <see cref="ClientCertificateVerifier"/> checks it per request, so an unknown CA,
/// an expired certificate and a missing one under Require all end in the same HTTP 401 (with the reason logged)
/// instead of a TLS alert a client cannot tell from a network fault.
/// </summary>
internal static class IngressTls
{
    public static void Configure(KestrelServerOptions kestrel, IngressHttpsOptions https, ClientCertificateOptions certificates)
    {
        if (https.CertificatePath is null || https.KeyPath is null)
        {
            return;
        }

        var server = X509Certificate2.CreateFromPemFile(https.CertificatePath, https.KeyPath);
        kestrel.ConfigureHttpsDefaults(tls =>
        {
            tls.ServerCertificate = server;
            if (certificates.Mode != ClientCertificateMode.Off)
            {
                tls.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                tls.ClientCertificateValidation = (_, _, _) => true;
            }
        });
    }
}
