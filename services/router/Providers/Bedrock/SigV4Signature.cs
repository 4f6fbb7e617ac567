namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// The result of signing: the intermediate strings (for tests against AWS's published vectors) and what goes on
/// the request. A class, not a record, so no generated <c>ToString</c> prints the session token among the headers.
/// </summary>
internal sealed class SigV4Signature(string canonicalRequest, string stringToSign, string signature, string authorization, IReadOnlyList<KeyValuePair<string, string>> addedHeaders)
{
    public string CanonicalRequest { get; } = canonicalRequest;

    public string StringToSign { get; } = stringToSign;

    /// <summary>Lower-case hex HMAC-SHA256.</summary>
    public string Signature { get; } = signature;

    /// <summary>The <c>Authorization</c> header value.</summary>
    public string Authorization { get; } = authorization;

    /// <summary>Headers the signer added and signed (<c>x-amz-date</c>, <c>x-amz-content-sha256</c>, <c>x-amz-security-token</c>): they must be sent as they are.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AddedHeaders { get; } = addedHeaders;
}
