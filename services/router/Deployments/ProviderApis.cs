namespace AiMesh.Router.Deployments;

/// <summary>The OpenAI surfaces a <see cref="AiMesh.Contracts.Routing.RouteCompletion"/> may ask for.</summary>
internal static class ProviderApis
{
    public const string ChatCompletions = "chat.completions";
    public const string Embeddings = "embeddings";
}
