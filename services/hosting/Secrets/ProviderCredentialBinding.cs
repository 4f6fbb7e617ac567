namespace AiMesh.Hosting.Secrets;

/// <summary>
/// The associated data a provider credential's value is sealed with: its id, so a ciphertext copied onto another
/// credential does not open. Policy seals with it and the router opens with it: one definition for both.
/// </summary>
public static class ProviderCredentialBinding
{
    public static string AssociatedData(Guid credentialId) => $"aimesh:provider-credential:{credentialId:N}";
}
