using System.Security.Cryptography;
using System.Text.Json;

namespace AiMesh.Router.Tests.Providers.Gemini;

/// <summary>Service-account key files made at run time: no private key is ever committed.</summary>
internal static class TestKeys
{
    public const string ClientEmail = "unit@tests.iam.gserviceaccount.com";

    public static string ServiceAccountJson(RSA key, string? tokenUri = "https://oauth2.googleapis.com/token", string type = "service_account") =>
        JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["type"] = type,
            ["project_id"] = "tests",
            ["private_key_id"] = "kid-1",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = ClientEmail,
            ["token_uri"] = tokenUri,
        });
}
