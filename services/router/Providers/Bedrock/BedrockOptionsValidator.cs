using System.Text.RegularExpressions;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// What a <c>bedrock</c> deployment needs beyond every deployment's checks: a region, and credentials that are
/// there (both AWS key variables set, the session token's too when named), or an API key. Runs beside
/// <see cref="RouterOptionsValidator"/>; the options system reports the failures of both at once. Messages name
/// settings and variables, never their values.
/// </summary>
internal sealed partial class BedrockOptionsValidator(IConfiguration configuration) : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var index = 0; index < options.Deployments.Count; index++)
        {
            var deployment = options.Deployments[index];
            if (!BedrockDeploymentDefaults.IsBedrock(deployment))
            {
                continue;
            }

            var at = RouterOptionsValidator.Where(index, deployment);
            if (!IsRegion(deployment.Region))
            {
                errors.Add($"{at}: provider 'bedrock' needs Region, an AWS region such as us-east-1.");
            }

            if (!string.IsNullOrWhiteSpace(deployment.ApiKeyEnv) && string.IsNullOrWhiteSpace(deployment.AwsAccessKeyIdEnv))
            {
                // A Bedrock API key; RouterOptionsValidator checks its variable.
                continue;
            }

            CheckVariable(errors, at, "AwsAccessKeyIdEnv", deployment.AwsAccessKeyIdEnv);
            CheckVariable(errors, at, "AwsSecretAccessKeyEnv", deployment.AwsSecretAccessKeyEnv);
            if (!string.IsNullOrWhiteSpace(deployment.AwsSessionTokenEnv))
            {
                CheckVariable(errors, at, "AwsSessionTokenEnv", deployment.AwsSessionTokenEnv);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsRegion(string? region) => region is not null && Region().IsMatch(region.Trim());

    private void CheckVariable(List<string> errors, string at, string setting, string? variable)
    {
        if (string.IsNullOrWhiteSpace(variable))
        {
            errors.Add($"{at}: provider 'bedrock' needs {setting}, the name of the environment variable that holds it.");
        }
        else if (string.IsNullOrEmpty(configuration[variable]))
        {
            errors.Add($"{at}: the environment variable {variable} named by {setting} is not set.");
        }
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Region();
}
