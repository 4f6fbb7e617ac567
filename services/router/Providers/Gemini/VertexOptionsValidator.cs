using System.Text.RegularExpressions;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// The settings only a Vertex deployment has, checked at start beside <see cref="RouterOptionsValidator"/> (the
/// options system reports every validator's errors together): a project and a region fit for a URL path, a
/// service-account key that loads, and a token endpoint that is the one the key file names. Messages name
/// settings and variables, never values.
/// </summary>
internal sealed partial class VertexOptionsValidator(IConfiguration configuration) : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var index = 0; index < options.Deployments.Count; index++)
        {
            var deployment = options.Deployments[index];
            var at = RouterOptionsValidator.Where(index, deployment);
            if (string.Equals(deployment.Provider, "vertex", StringComparison.OrdinalIgnoreCase))
            {
                Check(errors, at, deployment);
            }
            else if (!string.IsNullOrWhiteSpace(deployment.ServiceAccountEnv)
                || (!string.IsNullOrWhiteSpace(deployment.TokenUrl) && !Azure.AzureDeploymentSettings.IsAzure(deployment)))
            {
                // A service account is read at start wherever it is named; only Vertex uses one. (Azure's validator
                // decides about TokenUrl on an azure deployment: AzureAuth 'entra' uses it too.)
                errors.Add($"{at}: ServiceAccountEnv and TokenUrl are only used by provider 'vertex' (TokenUrl also by 'azure' with AzureAuth 'entra').");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>A Google Cloud location: lower-case letters, digits and hyphens (<c>us-central1</c>, <c>global</c>).</summary>
    public static bool IsRegion(string region) => Region().IsMatch(region);

    private void Check(List<string> errors, string at, DeploymentOptions deployment)
    {
        if (string.IsNullOrWhiteSpace(deployment.Project) || !Project().IsMatch(deployment.Project))
        {
            errors.Add($"{at}: provider 'vertex' needs Project, the Google Cloud project id or number.");
        }

        if (string.IsNullOrWhiteSpace(deployment.Region) || !IsRegion(deployment.Region))
        {
            errors.Add($"{at}: provider 'vertex' needs Region, a Google Cloud location such as us-central1 or global.");
        }

        if (!string.IsNullOrWhiteSpace(deployment.ApiKeyEnv))
        {
            errors.Add($"{at}: provider 'vertex' authenticates with a service account: set ServiceAccountEnv instead of ApiKeyEnv.");
        }

        var tokenUrl = AccessTokenCache.ParseTokenUrl(string.IsNullOrWhiteSpace(deployment.TokenUrl) ? GoogleServiceAccount.DefaultTokenUrl : deployment.TokenUrl);
        if (tokenUrl is null)
        {
            errors.Add($"{at}: TokenUrl must be an absolute http or https URL without user information, a query or a fragment.");
        }

        if (string.IsNullOrWhiteSpace(deployment.ServiceAccountEnv))
        {
            errors.Add($"{at}: provider 'vertex' needs ServiceAccountEnv, the environment variable that holds the service-account key (its JSON or the path of its file).");
            return;
        }

        if (!GoogleServiceAccount.TryLoad(configuration[deployment.ServiceAccountEnv], out var account, out var problem))
        {
            errors.Add($"{at}: the environment variable {deployment.ServiceAccountEnv} named by ServiceAccountEnv {problem}");
            return;
        }

        // The assertion goes only where configuration says; a key file pointing elsewhere is a mistake or a trap.
        if (tokenUrl is not null && account!.TokenUri is { Length: > 0 } fileTokenUri
            && (!Uri.TryCreate(fileTokenUri, UriKind.Absolute, out var named) || named != tokenUrl))
        {
            errors.Add($"{at}: the service-account key's token_uri is not the deployment's TokenUrl ({tokenUrl}); set TokenUrl to the endpoint the key is for.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Region();

    // Project ids (my-project-123), numbers (123456789012) and domain-scoped ids (example.com:my-project).
    [GeneratedRegex(@"^[a-z0-9][a-z0-9.:\-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex Project();
}
