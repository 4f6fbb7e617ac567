namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>Client certificates required.</summary>
public sealed class RequiredCertificatesMesh : MtlsMesh
{
    protected override string Mode => "Require";
}
