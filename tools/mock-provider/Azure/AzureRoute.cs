namespace AiMesh.MockProvider.Azure;

/// <summary>
/// Azure OpenAI's inference paths: <c>/openai/deployments/{deployment}/chat/completions</c> and <c>/embeddings</c> (an
/// <c>api-version</c> query required), and the v1 surface <c>/openai/v1/chat/completions</c> and <c>/embeddings</c>
/// (the model in the body).
/// </summary>
/// <param name="Deployment">The deployment named in the path; null on the v1 surface.</param>
/// <param name="Api">The last path segment: <c>chat/completions</c> or <c>embeddings</c>.</param>
internal sealed record AzureRoute(string? Deployment, string Api)
{
    public const string ChatCompletions = "chat/completions";
    public const string Embeddings = "embeddings";

    private const string DeploymentsPrefix = "/openai/deployments/";
    private const string V1Prefix = "/openai/v1/";

    public bool IsV1 => Deployment is null;

    public static bool Matches(string path) => path.StartsWith("/openai/", StringComparison.Ordinal);

    public static AzureRoute? TryParse(string path)
    {
        if (path.StartsWith(V1Prefix, StringComparison.Ordinal))
        {
            var api = path[V1Prefix.Length..];
            return api is ChatCompletions or Embeddings ? new AzureRoute(null, api) : null;
        }

        if (!path.StartsWith(DeploymentsPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[DeploymentsPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var operation = rest[(slash + 1)..];
        return operation is ChatCompletions or Embeddings ? new AzureRoute(rest[..slash], operation) : null;
    }
}
