using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>What the Gemini and Vertex adapters share: the method paths, the request message, the answers.</summary>
internal static class GeminiHttp
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

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

    /// <summary>The POST of <paramref name="body"/> to <paramref name="url"/> with the deployment's extra headers; no credentials.</summary>
    public static HttpRequestMessage Post(ProviderCall call, Uri url, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(call);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, ProviderJson.SerializerOptions));
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Accept.Add(call.Stream ? AcceptEventStream : AcceptJson);
        foreach (var (name, value) in call.Deployment.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>The model's path segment: the upstream name comes from configuration, escaped all the same.</summary>
    public static string Model(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return Uri.EscapeDataString(deployment.UpstreamModel);
    }
}
