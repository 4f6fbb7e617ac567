using System.Security.Cryptography;
using System.Text.Json;
using AiMesh.Router.Configuration;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// A Google service-account key (the JSON file Google Cloud issues), from the environment variable a Vertex deployment
/// names in <see cref="DeploymentOptions.ServiceAccountEnv"/>: the variable holds either the JSON itself (a value that
/// starts with <c>{</c>, handy for container secrets) or the path of the file (Google's own
/// <c>GOOGLE_APPLICATION_CREDENTIALS</c> convention). The private key never leaves this process: it only signs the
/// assertion sent to the token endpoint. Nothing here prints the key; problems name the variable, never its value.
/// </summary>
internal sealed class GoogleServiceAccount
{
    public const string DefaultTokenUrl = "https://oauth2.googleapis.com/token";

    // A key file is about 2 KB; anything far larger is not one.
    private const long MaxFileBytes = 64 * 1024;

    private readonly string privateKeyPem;

    private GoogleServiceAccount(string clientEmail, string? privateKeyId, string? tokenUri, string privateKeyPem)
    {
        ClientEmail = clientEmail;
        PrivateKeyId = privateKeyId;
        TokenUri = tokenUri;
        this.privateKeyPem = privateKeyPem;
    }

    /// <summary>The account's identity, the assertion's issuer. Not a secret.</summary>
    public string ClientEmail { get; }

    /// <summary>The key's id, sent as the assertion's <c>kid</c> so Google picks the right public key.</summary>
    public string? PrivateKeyId { get; }

    /// <summary>The token endpoint the file names; accepted only when it is the configured one.</summary>
    public string? TokenUri { get; }

    /// <summary>The key to sign with; the caller disposes it.</summary>
    public RSA OpenSigningKey()
    {
        var rsa = RSA.Create();
        var imported = false;
        try
        {
            rsa.ImportFromPem(privateKeyPem);
            imported = true;
            return rsa;
        }
        finally
        {
            if (!imported)
            {
                rsa.Dispose();
            }
        }
    }

    public override string ToString() => "[service account]";

    /// <summary>The token endpoint of a deployment: its <c>TokenUrl</c>, else Google's.</summary>
    public static Uri TokenUrl(DeploymentOptions deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new Uri(string.IsNullOrWhiteSpace(deployment.TokenUrl) ? DefaultTokenUrl : deployment.TokenUrl, UriKind.Absolute);
    }

    /// <summary>The account the variable named by <paramref name="variable"/> holds; null when no variable is named.</summary>
    /// <exception cref="InvalidOperationException">The variable does not hold a usable key (validation at start reports this first).</exception>
    public static GoogleServiceAccount? Resolve(string? variable, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(variable))
        {
            return null;
        }

        return TryLoad(configuration[variable], out var account, out var problem)
            ? account
            : throw new InvalidOperationException($"The environment variable {variable} {problem}");
    }

    /// <param name="value">The variable's value: the key's JSON or the path of its file.</param>
    /// <param name="problem">When false: what is wrong, as the end of a sentence about the variable, without its value.</param>
    public static bool TryLoad(string? value, out GoogleServiceAccount? account, out string? problem)
    {
        account = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "is not set.";
            return false;
        }

        problem = null;
        var json = value.TrimStart().StartsWith('{') ? value : ReadFile(value.Trim(), out problem);
        if (json is null)
        {
            return false;
        }

        account = Parse(json, out problem);
        return account is not null;
    }

    private static string? ReadFile(string path, out string? problem)
    {
        problem = null;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.Length > MaxFileBytes)
            {
                problem = "does not name a readable service-account key file.";
                return null;
            }

            return File.ReadAllText(file.FullName);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = "does not name a readable service-account key file.";
            return null;
        }
    }

    private static GoogleServiceAccount? Parse(string json, out string? problem)
    {
        problem = "does not hold a service-account key (JSON with type service_account, client_email and private_key).";
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (GeminiJson.String(root, "type") != "service_account"
                || GeminiJson.String(root, "client_email") is not { Length: > 0 } email
                || GeminiJson.String(root, "private_key") is not { Length: > 0 } key)
            {
                return null;
            }

            var account = new GoogleServiceAccount(email, GeminiJson.String(root, "private_key_id"), GeminiJson.String(root, "token_uri"), key);
            using (account.OpenSigningKey())
            {
                problem = null;
                return account;
            }
        }
        catch (JsonException)
        {
            return null;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException)
        {
            problem = "holds a service-account key whose private_key is not an RSA key in PEM form.";
            return null;
        }
    }
}
