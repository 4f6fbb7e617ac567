namespace AiMesh.Ingress.Admin;

/// <summary>
/// Where the ingress forwards admin requests when the services run apart (<c>Mesh:Embedded=false</c>), read from
/// the <c>Ingress</c> section. Embedded, the modules serve <c>/admin</c> in this process and none of this is used.
/// </summary>
public sealed class AdminForwardingOptions
{
    /// <summary>The policy service's base URL (<c>http://127.0.0.1:8081</c> in <c>./aimesh distributed</c>, <c>http://policy:8080</c> in compose.yaml).</summary>
    public Uri? AdminUpstream { get; set; }

    /// <summary>The longest an admin call may take upstream, headers and body; then 504.</summary>
    public TimeSpan AdminTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
