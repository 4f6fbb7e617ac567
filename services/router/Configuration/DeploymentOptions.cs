namespace AiMesh.Router.Configuration;

/// <summary>
/// One upstream the router may call: a public model name served by a provider at a base URL. Holds no secret:
/// <see cref="ApiKeyEnv"/> names the environment variable that does, or <see cref="ApiKeyCredential"/> the stored credential.
/// </summary>
internal sealed class DeploymentOptions
{
    /// <summary>Unique name, reported in metering and logs.</summary>
    public string? Name { get; set; }

    /// <summary>The public model name clients ask for.</summary>
    public string? Model { get; set; }

    /// <summary>Which adapter speaks to it, e.g. <c>openai</c>, <c>vllm</c>, <c>ollama</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>The API root, e.g. <c>https://api.openai.com/v1</c>. The only host this deployment's key is sent to.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model name the provider knows; <see cref="Model"/> when absent.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>Environment variable that holds the API key. Absent: no credentials are sent (local servers).</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>
    /// Instead of <see cref="ApiKeyEnv"/>: the name of a provider credential stored in policy (<c>/admin/credentials</c>),
    /// sealed under the master key; the router gets it sealed over the bus and opens it with its own ring
    /// (<c>Router:Secrets</c>). For API keys only (OpenAI and compatible servers, Anthropic, Azure <c>api-key</c> and
    /// <c>bearer</c>, Gemini, Cohere, Mistral); AWS, Vertex AI and Entra ID secrets stay environment-referenced.
    /// </summary>
    public string? ApiKeyCredential { get; set; }

    /// <summary>
    /// Extra request headers (non-secret, e.g. organization or routing hints). For <c>anthropic</c> deployments
    /// this is also where <c>anthropic-version</c> (default <c>2023-06-01</c>) and <c>anthropic-beta</c> are set.
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The OpenAI surfaces served: <c>chat.completions</c>, <c>embeddings</c>.</summary>
    public IList<string> Api { get; } = [];

    /// <summary>
    /// What to do with a request field the provider cannot honour: <c>reject</c> (the default: a 400
    /// <c>unsupported_parameter</c> naming it, nothing sent upstream) or <c>drop</c> (sent without it, and the
    /// client told in the <c>x-aimesh-dropped-params</c> header).
    /// </summary>
    public string? UnsupportedParameters { get; set; }

    /// <summary>The <c>owned_by</c> of the model listing; the provider name when absent.</summary>
    public string? OwnedBy { get; set; }

    /// <summary>The <c>created</c> of the model listing. Fixed by configuration so every replica lists the same.</summary>
    public DateTimeOffset? Created { get; set; }

    /// <summary>
    /// The output limit sent when the client gave none, for providers that require one (<c>anthropic</c>: its
    /// <c>max_tokens</c>). Absent: the adapter's own default (4096 for Anthropic).
    /// </summary>
    public int? DefaultMaxTokens { get; set; }

    /// <summary>
    /// The cloud region, for providers whose endpoint and signature depend on it: AWS (<c>bedrock</c>, e.g.
    /// <c>us-east-1</c>) and Vertex AI (<c>vertex</c>, e.g. <c>us-central1</c> or <c>global</c>, which also gives the
    /// default <see cref="BaseUrl"/>: <c>https://{Region}-aiplatform.googleapis.com/v1</c>, or
    /// <c>https://aiplatform.googleapis.com/v1</c> for <c>global</c>).
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// Environment variable that holds the AWS access key id. For <c>bedrock</c> deployments with neither this nor
    /// <see cref="ApiKeyEnv"/>, the standard <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and (when set)
    /// <c>AWS_SESSION_TOKEN</c> are used.
    /// </summary>
    public string? AwsAccessKeyIdEnv { get; set; }

    /// <summary>Environment variable that holds the AWS secret access key (never sent: it only signs).</summary>
    public string? AwsSecretAccessKeyEnv { get; set; }

    /// <summary>Environment variable that holds an AWS session token, for temporary credentials.</summary>
    public string? AwsSessionTokenEnv { get; set; }

    /// <summary>Vertex AI: the Google Cloud project id (or number) the model runs in.</summary>
    public string? Project { get; set; }

    /// <summary>
    /// Vertex AI: environment variable that holds the service-account key, either the key file's JSON itself (a
    /// value starting with <c>{</c>) or the path of that file. Read once at start.
    /// </summary>
    public string? ServiceAccountEnv { get; set; }

    /// <summary>
    /// The only OAuth token endpoint a grant is sent to. Vertex AI: where the service account's signed assertion goes;
    /// default <c>https://oauth2.googleapis.com/token</c>, and the key file's <c>token_uri</c> must name the same URL.
    /// Azure OpenAI with <c>AzureAuth: entra</c>: where the client credentials go; default
    /// <c>https://login.microsoftonline.com/{EntraTenantId}/oauth2/v2.0/token</c> (another cloud's authority, or a test's mock).
    /// </summary>
    public string? TokenUrl { get; set; }

    /// <summary>
    /// Azure OpenAI (<c>azure</c>): the <c>api-version</c> of the deployment URLs
    /// (<c>{BaseUrl}/openai/deployments/{UpstreamModel}/…?api-version=</c>); default <c>2024-10-21</c>, the latest GA
    /// version of the inference API. <c>v1</c> selects Azure's v1 surface instead (<c>{BaseUrl}/openai/v1/…</c>, the
    /// model named in the body, no api-version).
    /// </summary>
    public string? ApiVersion { get; set; }

    /// <summary>
    /// Azure OpenAI: how the deployment authenticates: <c>api-key</c> (the default: the resource key named by
    /// <see cref="ApiKeyEnv"/> in the <c>api-key</c> header), <c>bearer</c> (the secret named by <see cref="ApiKeyEnv"/>
    /// is a Microsoft Entra ID access token, sent as <c>Authorization: Bearer</c>) or <c>entra</c> (the router obtains
    /// Entra ID tokens itself with the client-credentials grant of <see cref="EntraTenantId"/>,
    /// <see cref="EntraClientId"/> and <see cref="EntraClientSecretEnv"/>, at <see cref="TokenUrl"/> when set).
    /// </summary>
    public string? AzureAuth { get; set; }

    /// <summary>Azure OpenAI with <c>AzureAuth: entra</c>: the Microsoft Entra tenant (directory) id or domain.</summary>
    public string? EntraTenantId { get; set; }

    /// <summary>Azure OpenAI with <c>AzureAuth: entra</c>: the application (client) id of the app registration.</summary>
    public string? EntraClientId { get; set; }

    /// <summary>
    /// Azure OpenAI with <c>AzureAuth: entra</c>: environment variable that holds the app's client secret. The secret is
    /// sent only to the token endpoint (<c>https://login.microsoftonline.com/{EntraTenantId}/oauth2/v2.0/token</c>, or
    /// <see cref="TokenUrl"/>), never to Azure OpenAI.
    /// </summary>
    public string? EntraClientSecretEnv { get; set; }

    /// <summary>
    /// This deployment's own prices, laid over the price table's entry for its provider and <see cref="UpstreamModel"/>
    /// (a negotiated rate, a self-hosted model). Absent: the table's prices, or none (its costs are then null).
    /// </summary>
    public Router.Pricing.PriceOptions? Price { get; set; }

    /// <summary>The deployment's capacity, counted before each call; null: unlimited.</summary>
    public DeploymentLimitOptions? Limits { get; set; }

    /// <summary>Lower is tried first; deployments of a model that share a priority are ordered by its strategy. Default 0.</summary>
    public int Priority { get; set; }

    /// <summary>The share of calls under the <c>weighted</c> strategy, relative to the model's other deployments. Default 1; 0: only as a fallback.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>
    /// The data-residency regions this deployment serves in (e.g. <c>eu</c>, <c>us</c>, any names the operator
    /// chooses), matched in any case against a key's or team's allowed regions. Empty: the cloud <see cref="Region"/>
    /// when one is set (<c>bedrock</c>, <c>vertex</c>), else none, and then no region-restricted request reaches it.
    /// </summary>
    public IList<string> Regions { get; } = [];
}
