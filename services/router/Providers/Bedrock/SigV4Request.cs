namespace AiMesh.Router.Providers.Bedrock;

/// <summary>What AWS Signature Version 4 signs of a request, exactly as it goes on the wire.</summary>
/// <param name="path">The escaped path as sent (<c>/model/a%3A0/converse</c>); SigV4 escapes it once more.</param>
/// <param name="query">The escaped query without <c>?</c>; empty when none.</param>
/// <param name="headers">The headers to sign (at least <c>host</c>); <c>x-amz-date</c> and the session token are added by the signer.</param>
/// <param name="payloadHash">Lower-case hex SHA-256 of the body.</param>
internal sealed class SigV4Request(string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash)
{
    public string Method { get; } = method;

    public string Path { get; } = path;

    public string Query { get; } = query;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers;

    public string PayloadHash { get; } = payloadHash;
}
