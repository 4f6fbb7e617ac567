namespace AiMesh.Policy.Keys.Administration;

/// <summary>A new key and its secret, which exists only here: shown to the caller once, never stored.</summary>
internal sealed record CreatedKey(string Secret, KeyView Key)
{
    /// <summary>Never the secret in a log, a debugger or an exception message.</summary>
    public override string ToString() => $"CreatedKey {{ Key = {Key.DisplayPrefix}… ({Key.Id}) }}";
}
