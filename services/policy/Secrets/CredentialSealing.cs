using AiMesh.Hosting.Secrets;

namespace AiMesh.Policy.Secrets;

/// <summary>How a provider credential's value is sealed: the configuration section of policy's key ring, the associated data, the hint.</summary>
internal static class CredentialSealing
{
    /// <summary>Policy's key ring section (<c>Policy:Secrets:MasterKeyFile</c>, <c>Policy:Secrets:PreviousKeyFiles</c>) and its keyed-service key.</summary>
    public const string Section = "Policy:Secrets";

    /// <summary>Largest credential value accepted (characters); provider keys are far shorter.</summary>
    public const int MaxValueLength = 8 * 1024;

    /// <summary>The associated data of a credential's value (<see cref="ProviderCredentialBinding"/>): its id, so a ciphertext copied onto another row does not open.</summary>
    public static string AssociatedData(Guid credentialId) => ProviderCredentialBinding.AssociatedData(credentialId);

    /// <summary>The last 4 characters, shown so an operator can tell keys apart; nothing for values shorter than 16.</summary>
    public static string Hint(string value) => value.Length >= 16 ? value[^4..] : "";
}
