namespace AiMesh.Ingress.Authentication;

/// <summary>Whether the ingress asks TLS clients for a certificate, and whether a request needs one.</summary>
public enum ClientCertificateMode
{
    /// <summary>Not asked for; the credential is an API key or a JWT.</summary>
    Off,

    /// <summary>Asked for; a request that presents one is authenticated by it, others by their API key or JWT.</summary>
    Allow,

    /// <summary>Every request to the authenticated routes needs a valid, mapped certificate; without one, 401.</summary>
    Require,
}
