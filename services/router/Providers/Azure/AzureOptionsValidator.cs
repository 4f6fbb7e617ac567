using System.Text.RegularExpressions;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// The settings only an <c>azure</c> deployment has, checked at start beside <see cref="RouterOptionsValidator"/>: an
/// api-version fit for a query string (a dated version, optionally <c>-preview</c>, or <c>v1</c>), a known
/// <c>AzureAuth</c> and its credentials: <c>ApiKeyEnv</c> for <c>api-key</c> and <c>bearer</c>; for <c>entra</c> a tenant
/// and client id fit for a URL, a set secret variable and a usable token endpoint, and no <c>ApiKeyEnv</c>. Other
/// providers must not set them, so a misplaced setting is not silently ignored. Messages name settings and variables,
/// never values.
/// </summary>
internal sealed partial class AzureOptionsValidator(IConfiguration configuration) : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var index = 0; index < options.Deployments.Count; index++)
        {
            var deployment = options.Deployments[index];
            var at = RouterOptionsValidator.Where(index, deployment);
            if (!AzureDeploymentSettings.IsAzure(deployment))
            {
                if (!string.IsNullOrWhiteSpace(deployment.ApiVersion) || !string.IsNullOrWhiteSpace(deployment.AzureAuth))
                {
                    errors.Add($"{at}: ApiVersion and AzureAuth are only used by provider 'azure'.");
                }

                if (HasEntraSettings(deployment))
                {
                    errors.Add($"{at}: EntraTenantId, EntraClientId and EntraClientSecretEnv are only used by provider 'azure' with AzureAuth 'entra'.");
                }

                continue;
            }

            var version = AzureDeploymentSettings.ApiVersion(deployment)!;
            if (version != AzureDeploymentSettings.V1 && !DatedVersion().IsMatch(version))
            {
                errors.Add($"{at}: ApiVersion must be an Azure OpenAI api-version such as {AzureDeploymentSettings.DefaultApiVersion} or 2025-04-01-preview, or v1.");
            }

            var auth = deployment.AzureAuth?.Trim();
            if (AzureDeploymentSettings.IsEntra(deployment))
            {
                CheckEntra(errors, at, deployment);
            }
            else if (!string.IsNullOrEmpty(auth)
                && !string.Equals(auth, AzureDeploymentSettings.ApiKeyAuth, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(auth, AzureDeploymentSettings.BearerAuth, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{at}: AzureAuth must be 'api-key', 'bearer' or 'entra'.");
            }
            else
            {
                if (string.IsNullOrWhiteSpace(deployment.ApiKeyEnv) && string.IsNullOrWhiteSpace(deployment.ApiKeyCredential))
                {
                    errors.Add($"{at}: provider 'azure' needs credentials: set ApiKeyEnv (or ApiKeyCredential) to the name of the environment variable that holds the key (or the token with AzureAuth 'bearer'), or use AzureAuth 'entra'.");
                }

                if (HasEntraSettings(deployment) || !string.IsNullOrWhiteSpace(deployment.TokenUrl))
                {
                    errors.Add($"{at}: EntraTenantId, EntraClientId, EntraClientSecretEnv and TokenUrl are only used with AzureAuth 'entra'.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckEntra(List<string> errors, string at, DeploymentOptions deployment)
    {
        if (!string.IsNullOrWhiteSpace(deployment.ApiKeyEnv))
        {
            errors.Add($"{at}: AzureAuth 'entra' obtains its tokens with the client secret: remove ApiKeyEnv.");
        }

        if (string.IsNullOrWhiteSpace(deployment.EntraTenantId) || !TenantId().IsMatch(deployment.EntraTenantId.Trim()))
        {
            errors.Add($"{at}: AzureAuth 'entra' needs EntraTenantId, the directory (tenant) id or domain, such as contoso.onmicrosoft.com.");
        }

        if (string.IsNullOrWhiteSpace(deployment.EntraClientId) || !Guid.TryParse(deployment.EntraClientId.Trim(), out _))
        {
            errors.Add($"{at}: AzureAuth 'entra' needs EntraClientId, the application (client) id, a GUID.");
        }

        if (string.IsNullOrWhiteSpace(deployment.EntraClientSecretEnv))
        {
            errors.Add($"{at}: AzureAuth 'entra' needs EntraClientSecretEnv, the environment variable that holds the client secret.");
        }
        else if (string.IsNullOrEmpty(configuration[deployment.EntraClientSecretEnv]))
        {
            errors.Add($"{at}: the environment variable {deployment.EntraClientSecretEnv} named by EntraClientSecretEnv is not set.");
        }

        if (!string.IsNullOrWhiteSpace(deployment.TokenUrl) && AccessTokenCache.ParseTokenUrl(deployment.TokenUrl.Trim()) is null)
        {
            errors.Add($"{at}: TokenUrl must be an absolute http or https URL without user information, a query or a fragment.");
        }
    }

    private static bool HasEntraSettings(DeploymentOptions deployment) =>
        !string.IsNullOrWhiteSpace(deployment.EntraTenantId) || !string.IsNullOrWhiteSpace(deployment.EntraClientId)
        || !string.IsNullOrWhiteSpace(deployment.EntraClientSecretEnv);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatedVersion();

    // A GUID or a verified domain (contoso.onmicrosoft.com): one URL path segment, nothing to escape.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.\-]{0,252}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantId();
}
