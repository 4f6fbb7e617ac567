using System.Security.Cryptography;
using System.Text;
using AiMesh.Hosting.Http;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Http;

/// <summary>
/// Reads the client's credential and turns it into the only form that travels: its SHA-256. The credential
/// itself is never logged, stored or sent anywhere.
/// </summary>
/// <remarks>
/// The key may come as <c>Authorization: Bearer KEY</c> (OpenAI's SDKs) or <c>x-api-key: KEY</c> (Anthropic's), on
/// every route: the same key gets the same decision whichever header carries it. A request that sends both with
/// different keys is refused with 401 rather than served with one of them: which key a client meant, and which one
/// gets billed, must never depend on a precedence rule the client may not know.
/// </remarks>
internal static class ClientCredential
{
    public static readonly ApiError Missing = new(401, "invalid_request_error", "missing_api_key",
        "You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY', or in the x-api-key or api-key header.");

    public static readonly ApiError Conflicting = new(401, "invalid_request_error", "conflicting_api_keys",
        "The Authorization, x-api-key and api-key headers carry different API keys; send one key, in any one of them.");

    /// <summary>
    /// The one 401 for a credential that is not accepted: policy's answer for an unknown key, and the ingress's own for
    /// a token or certificate that fails any check, so the answer never tells which check failed.
    /// </summary>
    public static readonly ApiError Invalid = new(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided.");

    /// <returns>The credential's hash, or the 401 to answer when there is none or two different ones.</returns>
    public static (string? Hash, ApiError? Error) Check(HttpRequest request)
    {
        var (secret, error) = Read(request);
        return secret is null ? (null, error) : (Hash(secret), null);
    }

    /// <returns>The credential as sent (to be hashed or verified, never kept), or the 401 to answer.</returns>
    public static (string? Secret, ApiError? Error) Read(HttpRequest request)
    {
        var (secret, conflicting) = PresentedKey.Read(request);
        return conflicting ? (null, Conflicting) : secret is null ? (null, Missing) : (secret, null);
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
