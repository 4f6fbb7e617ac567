using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Providers.Azure;
using AiMesh.Router.Providers.Gemini;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Deployments;

/// <summary>
/// The deployments of this replica, resolved once from validated options: keys read from the environment
/// references, the public model list built. Which of them serves a call is <see cref="ModelGroupSelector"/>'s.
/// </summary>
internal sealed class DeploymentCatalog
{
    public DeploymentCatalog(IOptions<RouterOptions> options, IConfiguration configuration)
    {
        var deployments = new List<Deployment>();
        foreach (var source in options.Value.Deployments)
        {
            var deployment = Resolve(source, configuration);
            deployments.Add(deployment);
        }

        Deployments = deployments;
        Models = deployments
            .GroupBy(d => d.Model, StringComparer.Ordinal)
            .Select(g => new ModelDescription(
                g.Key,
                g.First().OwnedBy,
                g.First().Created,
                g.SelectMany(d => d.Api).Distinct(StringComparer.Ordinal).ToArray()))
            .ToArray();
    }

    public IReadOnlyList<Deployment> Deployments { get; }

    /// <summary>Each public model once, in configuration order.</summary>
    public IReadOnlyList<ModelDescription> Models { get; }

    /// <summary>The stored credentials the deployments name, each once.</summary>
    public IReadOnlyList<string> CredentialNames => [.. Deployments.Select(d => d.CredentialName).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>Also used by the validator, so what is validated is exactly what runs.</summary>
    internal static Uri NormalizeBaseUrl(string baseUrl) =>
        new(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute);

    private static Deployment Resolve(DeploymentOptions source, IConfiguration configuration)
    {
        var apiKey = string.IsNullOrWhiteSpace(source.ApiKeyEnv) ? null : configuration[source.ApiKeyEnv];
        return new Deployment(
            source.Name!,
            source.Model!,
            source.Provider!,
            NormalizeBaseUrl(source.BaseUrl!),
            string.IsNullOrWhiteSpace(source.UpstreamModel) ? source.Model! : source.UpstreamModel,
            string.IsNullOrEmpty(apiKey) ? null : new ApiKey(apiKey),
            new Dictionary<string, string>(source.Headers, StringComparer.OrdinalIgnoreCase),
            source.Api.ToArray(),
            string.IsNullOrWhiteSpace(source.OwnedBy) ? source.Provider! : source.OwnedBy,
            (source.Created ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds(),
            ParsePolicy(source.UnsupportedParameters) ?? UnsupportedParameterPolicy.Reject,
            source.DefaultMaxTokens,
            string.IsNullOrWhiteSpace(source.Region) ? null : source.Region.Trim(),
            ResolveAws(source, configuration),
            source.Project,
            GoogleServiceAccount.Resolve(source.ServiceAccountEnv, configuration),
            string.IsNullOrWhiteSpace(source.ServiceAccountEnv) ? null : GoogleServiceAccount.TokenUrl(source),
            AzureDeploymentSettings.ApiVersion(source),
            AzureDeploymentSettings.IsBearer(source),
            EntraClientCredentials.Resolve(source, configuration),
            string.IsNullOrWhiteSpace(source.ApiKeyCredential) ? null : source.ApiKeyCredential.Trim(),
            source.Limits is { RequestsPerSecond: null, RequestsPerMinute: null, TokensPerMinute: null, Concurrent: null } ? null : source.Limits,
            source.Priority,
            source.Weight,
            RegionFilter.Tags(source));
    }

    /// <summary>Null unless the deployment names AWS key variables (a Bedrock deployment's defaults are filled in before).</summary>
    private static AwsCredentials? ResolveAws(DeploymentOptions source, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(source.AwsAccessKeyIdEnv) || string.IsNullOrWhiteSpace(source.AwsSecretAccessKeyEnv))
        {
            return null;
        }

        var id = configuration[source.AwsAccessKeyIdEnv];
        var secret = configuration[source.AwsSecretAccessKeyEnv];
        var token = string.IsNullOrWhiteSpace(source.AwsSessionTokenEnv) ? null : configuration[source.AwsSessionTokenEnv];
        return string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret)
            ? null
            : new AwsCredentials(id, new ApiKey(secret), string.IsNullOrEmpty(token) ? null : new ApiKey(token));
    }

    /// <summary>Also used by the validator: null for a value that is neither <c>reject</c> nor <c>drop</c>.</summary>
    internal static UnsupportedParameterPolicy? ParsePolicy(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "REJECT" => UnsupportedParameterPolicy.Reject,
        "DROP" => UnsupportedParameterPolicy.Drop,
        _ => null,
    };
}
