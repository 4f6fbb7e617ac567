namespace AiMesh.Router.Secrets;

/// <summary>The router's key ring section (<c>Router:Secrets:MasterKeyFile</c>, <c>…:PreviousKeyFiles</c>) and its keyed-service key.</summary>
internal static class RouterSecrets
{
    public const string Section = "Router:Secrets";

    /// <summary>
    /// The associated data a credential's value is sealed with by policy (<c>services/policy/Secrets/CredentialSealing.cs</c>):
    /// the credential's id. The same text on both sides, or nothing opens.
    /// </summary>
    public static string AssociatedData(Guid credentialId) => $"aimesh:provider-credential:{credentialId:N}";
}
