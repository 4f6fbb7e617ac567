using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// Fills in what a <c>bedrock</c> deployment may leave out, before validation sees it: the base URL
/// (<c>https://bedrock-runtime.{Region}.amazonaws.com/</c>; set <c>BaseUrl</c> to override, e.g. for a mock or a
/// VPC endpoint) and, when it names no credentials at all, the standard AWS environment variables.
/// </summary>
internal sealed class BedrockDeploymentDefaults(IConfiguration configuration) : IPostConfigureOptions<RouterOptions>
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";

    public void PostConfigure(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var deployment in options.Deployments.Where(IsBedrock))
        {
            if (string.IsNullOrWhiteSpace(deployment.BaseUrl) && BedrockOptionsValidator.IsRegion(deployment.Region))
            {
                deployment.BaseUrl = $"https://bedrock-runtime.{deployment.Region!.Trim()}.amazonaws.com/";
            }

            if (string.IsNullOrWhiteSpace(deployment.ApiKeyEnv)
                && string.IsNullOrWhiteSpace(deployment.AwsAccessKeyIdEnv)
                && string.IsNullOrWhiteSpace(deployment.AwsSecretAccessKeyEnv))
            {
                deployment.AwsAccessKeyIdEnv = AccessKeyIdVariable;
                deployment.AwsSecretAccessKeyEnv = SecretAccessKeyVariable;
                if (string.IsNullOrWhiteSpace(deployment.AwsSessionTokenEnv) && !string.IsNullOrEmpty(configuration[SessionTokenVariable]))
                {
                    deployment.AwsSessionTokenEnv = SessionTokenVariable;
                }
            }
        }
    }

    internal static bool IsBedrock(DeploymentOptions deployment) =>
        string.Equals(deployment.Provider?.Trim(), BedrockAdapter.ProviderName, StringComparison.OrdinalIgnoreCase);
}
