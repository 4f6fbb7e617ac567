using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// Cohere's v2 API (provider <c>cohere</c>): chat through <c>POST {BaseUrl}chat</c>, streamed or not, and embeddings
/// through <c>POST {BaseUrl}embed</c>. Like the OpenAI adapter's, a deployment's <c>BaseUrl</c> is the API root with
/// its version, <c>https://api.cohere.com/v2</c>; the key goes as a bearer token. Translation: the request by
/// <see cref="CohereChatRequest"/>, the answer by <see cref="CohereChatResponse"/>, a stream by
/// <see cref="CohereStreamTranslator"/>, errors by <see cref="CohereErrors"/>, embeddings by <see cref="CohereEmbeddings"/>.
/// </summary>
internal sealed class CohereAdapter(TimeProvider time) : IProviderAdapter
{
    public const string ProviderName = "cohere";

    public string Name => ProviderName;

    public IReadOnlyCollection<string> Providers { get; } = [ProviderName];

    public IReadOnlyCollection<string> Apis { get; } = [ProviderApis.ChatCompletions, ProviderApis.Embeddings];

    // Cohere's API answers every call without a key with 401: a deployment without one is a configuration error.
    public bool RequiresApiKey(string provider) => true;

    public HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        JsonObject body;
        string path;
        switch (call.Api)
        {
            case ProviderApis.ChatCompletions:
                body = CohereChatRequest.Build(call);
                path = "chat";
                break;
            case ProviderApis.Embeddings:
                body = CohereEmbeddings.Build(call);
                path = "embed";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(call), call.Api, "Not an API this adapter serves.");
        }

        var request = ProviderHttp.PostJson(call, new Uri(call.Deployment.BaseUrl, path), body);
        if (call.Deployment.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        }

        return request;
    }

    public ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Api == ProviderApis.Embeddings
            ? CohereEmbeddings.Read(call, body)
            : CohereChatResponse.Read(call, body, time.GetUtcNow().ToUnixTimeSeconds());
    }

    public UpstreamError ReadError(ReadOnlySpan<byte> body) => CohereErrors.Read(body);

    public IStreamTranslator CreateStreamTranslator(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new CohereStreamTranslator(call, time.GetUtcNow().ToUnixTimeSeconds());
    }
}
