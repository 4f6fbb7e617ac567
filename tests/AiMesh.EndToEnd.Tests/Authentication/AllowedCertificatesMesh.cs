namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>Client certificates allowed: a request without one uses its API key.</summary>
public sealed class AllowedCertificatesMesh : MtlsMesh
{
    protected override string Mode => "Allow";
}
