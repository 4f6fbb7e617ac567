using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AiMesh.Contracts.Policy;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Authentication;

/// <summary>
/// Checks a client certificate against the configured CA bundle only (a custom trust store: the machine's roots are
/// not trusted for clients), at the current time (expired and not-yet-valid certificates fail), for client use (an
/// extended key usage, when present, must include client authentication; a key usage, when present, must include
/// digital signature), then maps it to a principal by SHA-256 thumbprint or subject. Revocation is not checked
/// (<see cref="X509RevocationMode.NoCheck"/>): a private CA rarely publishes CRLs the ingress could reach, and an
/// online check would put the CA on the request path; revoke by removing the mapping (or the CA) instead.
/// </summary>
internal sealed class ClientCertificateVerifier
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection roots = [];
    private readonly X509Certificate2Collection intermediates = [];
    private readonly IReadOnlyList<CertificatePrincipalOptions> principals;
    private readonly TimeProvider time;

    public ClientCertificateVerifier(IOptions<ClientCertificateOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        Mode = settings.Mode;
        principals = settings.Principals;
        this.time = time;
        if (Mode == ClientCertificateMode.Off || settings.CaBundlePath is null)
        {
            return;
        }

        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(settings.CaBundlePath);
        foreach (var certificate in bundle)
        {
            (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData) ? roots : intermediates).Add(certificate);
        }
    }

    public ClientCertificateMode Mode { get; }

    /// <returns>The mapped principal, or null with the reason (for the log only).</returns>
    public (VerifiedPrincipal? Principal, string? Failure) Verify(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        chain.ChainPolicy.VerificationTime = time.GetUtcNow().UtcDateTime;
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            return (null, "chain:" + status);
        }

        if (certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
            && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            return (null, "key_usage");
        }

        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var mapping = principals.FirstOrDefault(p => p.Thumbprint is { } t && string.Equals(Normalize(t), thumbprint, StringComparison.OrdinalIgnoreCase))
            ?? principals.FirstOrDefault(p => p.Subject is { } s && string.Equals(s, certificate.Subject, StringComparison.Ordinal));
        if (mapping is null)
        {
            return (null, "not_mapped");
        }

        return (new VerifiedPrincipal("certificate", certificate.Issuer, mapping.User, mapping.Team, [.. mapping.Roles]), null);
    }

    public static string Normalize(string thumbprint) => thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
}
