using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Vertex AI's grant (RFC 7523): an assertion signed by the deployment's service account for its token endpoint, made
/// fresh for each exchange. The private key only signs; the assertion goes only to <see cref="TokenUrl"/>.
/// </summary>
internal sealed class GoogleAssertionGrant(GoogleServiceAccount account, Uri tokenUrl) : IAccessTokenGrant
{
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    public Uri TokenUrl { get; } = tokenUrl;

    // One token per key: two deployments of one account share it.
    public object Identity { get; } = (account.ClientEmail, account.PrivateKeyId);

    /// <summary>The grant of a Vertex deployment; null when it has no service account.</summary>
    public static GoogleAssertionGrant? For(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return deployment is { ServiceAccount: { } account, TokenUrl: { } tokenUrl } ? new GoogleAssertionGrant(account, tokenUrl) : null;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Form(DateTimeOffset now)
    {
        string assertion;
        using (var key = account.OpenSigningKey())
        {
            assertion = GoogleJwt.Create(account, key, TokenUrl, Scope, now);
        }

        return [new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", assertion)];
    }

    public override string ToString() => "[service-account grant]";
}
