using AiMesh.Hosting.Secrets;

namespace AiMesh.Router.Secrets;

/// <summary>The router's key ring section (<c>Router:Secrets:MasterKeyFile</c>, <c>…:PreviousKeyFiles</c>) and its keyed-service key.</summary>
internal static class RouterSecrets
{
    public const string Section = "Router:Secrets";

    /// <summary>The associated data policy sealed a credential's value with (<see cref="ProviderCredentialBinding"/>).</summary>
    public static string AssociatedData(Guid credentialId) => ProviderCredentialBinding.AssociatedData(credentialId);
}
