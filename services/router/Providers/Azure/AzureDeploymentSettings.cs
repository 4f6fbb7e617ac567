using AiMesh.Router.Configuration;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// What an <c>azure</c> deployment's own settings resolve to, in one place for the catalog and the validator: the
/// api-version (default <see cref="DefaultApiVersion"/>), whether the secret is an Entra ID bearer token, and whether
/// the router obtains Entra ID tokens itself (<c>AzureAuth: entra</c>) and where.
/// </summary>
internal static class AzureDeploymentSettings
{
    public const string ProviderName = "azure";

    /// <summary>
    /// The latest generally available version of Azure OpenAI's inference API when this adapter was written. Preview
    /// versions are opt-in (<see cref="DeploymentOptions.ApiVersion"/>), never a default: they change without notice.
    /// </summary>
    public const string DefaultApiVersion = "2024-10-21";

    /// <summary>The <see cref="DeploymentOptions.ApiVersion"/> that selects the v1 surface (<c>/openai/v1/…</c>).</summary>
    public const string V1 = "v1";

    public const string ApiKeyAuth = "api-key";
    public const string BearerAuth = "bearer";
    public const string EntraAuth = "entra";

    /// <summary>Microsoft Entra ID's authority in Azure's public cloud; other clouds set <see cref="DeploymentOptions.TokenUrl"/>.</summary>
    public const string DefaultAuthority = "https://login.microsoftonline.com/";

    public static bool IsAzure(DeploymentOptions deployment) =>
        string.Equals(deployment.Provider?.Trim(), ProviderName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The api-version an <c>azure</c> deployment calls with; null for other providers.</summary>
    public static string? ApiVersion(DeploymentOptions deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (!IsAzure(deployment))
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(deployment.ApiVersion) ? DefaultApiVersion : deployment.ApiVersion.Trim();
    }

    public static bool IsBearer(DeploymentOptions deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return IsAzure(deployment) && string.Equals(deployment.AzureAuth?.Trim(), BearerAuth, StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsEntra(DeploymentOptions deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return IsAzure(deployment) && string.Equals(deployment.AzureAuth?.Trim(), EntraAuth, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The token endpoint of an <c>entra</c> deployment: its <c>TokenUrl</c>, else the public cloud's v2.0 endpoint of its tenant.</summary>
    public static string EntraTokenUrl(DeploymentOptions deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return string.IsNullOrWhiteSpace(deployment.TokenUrl)
            ? $"{DefaultAuthority}{Uri.EscapeDataString(deployment.EntraTenantId?.Trim() ?? "")}/oauth2/v2.0/token"
            : deployment.TokenUrl.Trim();
    }
}
