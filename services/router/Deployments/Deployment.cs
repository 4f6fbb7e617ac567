namespace AiMesh.Router.Deployments;

/// <summary>A validated deployment, resolved from configuration once at start (its key read from the environment).</summary>
/// <param name="BaseUrl">Ends with a slash, so relative API paths append to it.</param>
/// <param name="ApiKey">Null when the deployment sends no credentials.</param>
/// <param name="UnsupportedParameters">What to do with request fields the provider cannot honour.</param>
/// <param name="DefaultMaxTokens">The output limit for providers that require one, when the client gave none; null: the adapter's default.</param>
/// <param name="Region">The cloud region, for providers that need one (<c>bedrock</c>, <c>vertex</c>).</param>
/// <param name="AwsCredentials">AWS keys that sign the requests (<c>bedrock</c>); null when the deployment has none.</param>
/// <param name="Project">Vertex AI: the Google Cloud project.</param>
/// <param name="ServiceAccount">Vertex AI: the service-account key the access tokens are obtained with.</param>
/// <param name="TokenUrl">Vertex AI: the OAuth token endpoint, the only place the signed assertion goes.</param>
/// <param name="ApiVersion">Azure OpenAI: the <c>api-version</c>, or <c>v1</c> for the v1 surface; null for other providers.</param>
/// <param name="AzureBearer">Azure OpenAI: the key is an Entra ID token sent as <c>Authorization: Bearer</c>, not an <c>api-key</c>.</param>
/// <param name="Entra">Azure OpenAI with <c>AzureAuth: entra</c>: the client credentials its Entra ID tokens are obtained with.</param>
/// <param name="CredentialName">
/// The stored provider credential the key comes from (<c>ApiKeyCredential</c>); then <paramref name="ApiKey"/> is null
/// in the catalog and filled per call from <see cref="Secrets.ProviderCredentialStore"/>.
/// </param>
/// <param name="Priority">Lower is tried first among the model's deployments.</param>
/// <param name="Weight">Its share of the model's calls under the weighted strategy.</param>
/// <param name="Limits">The deployment's capacity (<see cref="DeploymentLimiter"/>); null: unlimited.</param>
/// <param name="Regions">The data-residency regions it serves in (<c>Regions</c>, or the cloud <c>Region</c>); empty: none.</param>
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
    AwsCredentials? AwsCredentials = null,
    string? Project = null,
    Providers.Gemini.GoogleServiceAccount? ServiceAccount = null,
    Uri? TokenUrl = null,
    string? ApiVersion = null,
    bool AzureBearer = false,
    Providers.Azure.EntraClientCredentials? Entra = null,
    string? CredentialName = null,
    Configuration.DeploymentLimitOptions? Limits = null,
    int Priority = 0,
    int Weight = 1,
    IReadOnlyList<string>? Regions = null);
