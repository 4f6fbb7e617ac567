using System.Security.Cryptography;
using System.Text;

namespace AiMesh.Ingress.Http;

/// <summary>
/// Reads the client's credential and turns it into the only form that travels: its SHA-256. The credential
/// itself is never logged, stored or sent anywhere.
/// </summary>
internal static class ClientCredential
{
    public static string? HashFrom(HttpRequest request)
    {
        var secret = Read(request);
        return secret is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    private static string? Read(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length > 0 ? token : null;
        }

        var apiKey = request.Headers["x-api-key"].ToString().Trim();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
