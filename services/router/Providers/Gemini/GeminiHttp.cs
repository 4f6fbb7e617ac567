using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>What the Gemini and Vertex adapters share: the method paths and the model's path segment.</summary>
internal static class GeminiHttp
{
    /// <summary>The method suffix of a model's URL for this call; a stream asks for SSE framing.</summary>
    public static string Method(ProviderCall call, string embeddingsMethod)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Api switch
        {
            ProviderApis.ChatCompletions when call.Stream => ":streamGenerateContent?alt=sse",
            ProviderApis.ChatCompletions => ":generateContent",
            ProviderApis.Embeddings => ":" + embeddingsMethod,
            _ => throw new ArgumentOutOfRangeException(nameof(call), call.Api, "Not an API the Gemini adapters serve."),
        };
    }

    /// <summary>The model's path segment: the upstream name comes from configuration, escaped all the same.</summary>
    public static string Model(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return Uri.EscapeDataString(deployment.UpstreamModel);
    }
}
