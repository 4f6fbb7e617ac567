namespace AiMesh.Hosting.Secrets;

/// <summary>
/// A secret as stored and as it travels: the id of the master key it was sealed under and
/// <c>base64(nonce ‖ ciphertext ‖ tag)</c> (AES-256-GCM, 12-byte nonce, 16-byte tag). Opening it needs that key and
/// the same associated data it was sealed with.
/// </summary>
public sealed record SealedSecret(string KeyId, string Ciphertext)
{
    public override string ToString() => $"sealed under {KeyId}";
}
