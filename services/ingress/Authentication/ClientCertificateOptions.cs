namespace AiMesh.Ingress.Authentication;

/// <summary>
/// The "Ingress:ClientCertificates" section (mTLS). Needs <see cref="IngressHttpsOptions"/>: certificates are asked for
/// on the HTTPS endpoints only.
/// </summary>
public sealed class ClientCertificateOptions
{
    public const string Section = "Ingress:ClientCertificates";

    public ClientCertificateMode Mode { get; set; } = ClientCertificateMode.Off;

    /// <summary>PEM file of the certificate authorities to trust (roots, and any intermediates); nothing else is trusted.</summary>
    public string? CaBundlePath { get; set; }

    /// <summary>Which certificates are which principal: by subject name or by SHA-256 thumbprint.</summary>
    public List<CertificatePrincipalOptions> Principals { get; set; } = [];
}
