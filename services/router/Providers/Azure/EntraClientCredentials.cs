using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// Microsoft Entra ID's client-credentials grant for an <c>AzureAuth: entra</c> deployment: <c>POST {TokenUrl}</c> with
/// <c>grant_type=client_credentials</c>, <c>client_id</c>, <c>client_secret</c> and <c>scope=https://cognitiveservices.azure.com/.default</c>
/// (the Azure AI services resource), answered by <c>{token_type, expires_in, access_token}</c>. The client secret goes
/// only to the token endpoint, through <see cref="AccessTokenCache"/>; nothing here prints it.
/// </summary>
internal sealed class EntraClientCredentials : IAccessTokenGrant
{
    public const string Scope = "https://cognitiveservices.azure.com/.default";

    private readonly ApiKey secret;

    public EntraClientCredentials(string tenantId, string clientId, ApiKey secret, Uri tokenUrl)
    {
        TenantId = tenantId;
        ClientId = clientId;
        this.secret = secret;
        TokenUrl = tokenUrl;
        Identity = (tenantId, clientId);
    }

    public string TenantId { get; }

    public string ClientId { get; }

    public Uri TokenUrl { get; }

    // One token per app registration in a tenant: deployments of one app (several Azure deployments) share it.
    public object Identity { get; }

    /// <summary>The credentials of an <c>AzureAuth: entra</c> deployment; null for any other, or when the secret's variable is empty (validation reports that first).</summary>
    public static EntraClientCredentials? Resolve(DeploymentOptions source, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!AzureDeploymentSettings.IsEntra(source) || string.IsNullOrWhiteSpace(source.EntraClientSecretEnv)
            || configuration[source.EntraClientSecretEnv] is not { Length: > 0 } secret
            || AccessTokenCache.ParseTokenUrl(AzureDeploymentSettings.EntraTokenUrl(source)) is not { } tokenUrl)
        {
            return null;
        }

        return new EntraClientCredentials(source.EntraTenantId!.Trim(), source.EntraClientId!.Trim(), new ApiKey(secret), tokenUrl);
    }

    public IReadOnlyList<KeyValuePair<string, string>> Form(DateTimeOffset now) =>
    [
        new("grant_type", "client_credentials"),
        new("client_id", ClientId),
        new("client_secret", secret.Reveal()),
        new("scope", Scope),
    ];

    public override string ToString() => $"[Entra client credentials of {ClientId}]";
}
