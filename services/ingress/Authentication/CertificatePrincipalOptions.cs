namespace AiMesh.Ingress.Authentication;

/// <summary>One certificate → principal mapping. Give <see cref="Thumbprint"/> or <see cref="Subject"/> (a thumbprint names one certificate; a subject every certificate the CA issues with that name).</summary>
public sealed class CertificatePrincipalOptions
{
    /// <summary>The certificate's SHA-256 thumbprint, hex (case and colons ignored).</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The certificate's subject distinguished name exactly as .NET prints it (<c>CN=billing, O=Acme</c>).</summary>
    public string? Subject { get; set; }

    /// <summary>The user it is metered to (<c>user:&lt;User&gt;</c>).</summary>
    public string User { get; set; } = "";

    public string? Team { get; set; }

    public List<string> Roles { get; set; } = [];
}
