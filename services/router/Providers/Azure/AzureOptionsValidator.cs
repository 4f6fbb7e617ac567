using System.Text.RegularExpressions;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// The settings only an <c>azure</c> deployment has, checked at start beside <see cref="RouterOptionsValidator"/>: an
/// api-version fit for a query string (a dated version, optionally <c>-preview</c>, or <c>v1</c>) and a known
/// <c>AzureAuth</c>. Other providers must not set them, so a misplaced setting is not silently ignored.
/// </summary>
internal sealed partial class AzureOptionsValidator : IValidateOptions<RouterOptions>
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

                continue;
            }

            var version = AzureDeploymentSettings.ApiVersion(deployment)!;
            if (version != AzureDeploymentSettings.V1 && !DatedVersion().IsMatch(version))
            {
                errors.Add($"{at}: ApiVersion must be an Azure OpenAI api-version such as {AzureDeploymentSettings.DefaultApiVersion} or 2025-04-01-preview, or v1.");
            }

            var auth = deployment.AzureAuth?.Trim();
            if (!string.IsNullOrEmpty(auth)
                && !string.Equals(auth, AzureDeploymentSettings.ApiKeyAuth, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(auth, AzureDeploymentSettings.BearerAuth, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{at}: AzureAuth must be 'api-key' or 'bearer'.");
            }

        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatedVersion();
}
