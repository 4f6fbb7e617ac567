namespace AiMesh.Router.Deployments;

/// <summary>A validated deployment, resolved from configuration once at start (its key read from the environment).</summary>
/// <param name="BaseUrl">Ends with a slash, so relative API paths append to it.</param>
/// <param name="ApiKey">Null when the deployment sends no credentials.</param>
/// <param name="UnsupportedParameters">What to do with request fields the provider cannot honour.</param>
/// <param name="DefaultMaxTokens">The output limit for providers that require one, when the client gave none; null: the adapter's default.</param>
/// <param name="Region">The cloud region, for providers that need one (<c>bedrock</c>).</param>
/// <param name="AwsCredentials">AWS keys that sign the requests (<c>bedrock</c>); null when the deployment has none.</param>
internal sealed record Deployment(
    string Name,
    string Model,
    string Provider,
    Uri BaseUrl,
    string UpstreamModel,
    ApiKey? ApiKey,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<string> Api,
    string OwnedBy,
    long Created,
    UnsupportedParameterPolicy UnsupportedParameters = UnsupportedParameterPolicy.Reject,
    int? DefaultMaxTokens = null,
    string? Region = null,
    AwsCredentials? AwsCredentials = null);
