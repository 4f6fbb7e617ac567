namespace AiMesh.Ingress.Authentication;

/// <summary>
/// The "Ingress:Https" section: the server certificate for every <c>https://</c> address in <c>urls</c>. The key file
/// is a secret: it comes from a mounted file, never from appsettings in git.
/// </summary>
public sealed class IngressHttpsOptions
{
    public const string Section = "Ingress:Https";

    /// <summary>PEM file of the server certificate (and any intermediates after it).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file of its private key (unencrypted).</summary>
    public string? KeyPath { get; set; }
}
