using AiMesh.Router.Deployments;
using AiMesh.Router.Providers.OpenAi;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral's own API (<c>https://api.mistral.ai/v1</c>), provider <c>mistral</c>: chat completions, streamed and not,
/// and embeddings, with the key as <c>Authorization: Bearer</c>. Mistral's API looks like OpenAI's but is not it: the
/// request is rebuilt from what Mistral defines (<see cref="MistralChatRequest"/>, <see cref="MistralMessages"/>,
/// <see cref="MistralEmbeddings"/>), and answers and streams are translated back (<see cref="MistralChatResponse"/>,
/// <see cref="MistralStreamTranslator"/>) rather than passed through.
/// </summary>
internal sealed class MistralAdapter(TimeProvider time) : IProviderAdapter
{
    public const string ProviderName = "mistral";

    public string Name => ProviderName;

    public IReadOnlyCollection<string> Providers { get; } = [ProviderName];

    public IReadOnlyCollection<string> Apis { get; } = [ProviderApis.ChatCompletions, ProviderApis.Embeddings];

    public bool RequiresApiKey(string provider) => true;

    public HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = call.Api == ProviderApis.Embeddings ? MistralEmbeddings.Build(call) : MistralChatRequest.Build(call);
        var request = ProviderHttp.PostJson(call, new Uri(call.Deployment.BaseUrl, OpenAiAdapter.Path(call.Api)), body);
        if (call.Deployment.ApiKey is { } key)
        {
            request.Headers.Authorization = new("Bearer", key.Reveal());
        }

        return request;
    }

    public ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Api == ProviderApis.Embeddings
            ? MistralEmbeddings.Read(call, body)
            : MistralChatResponse.Read(call, body, time.GetUtcNow().ToUnixTimeSeconds());
    }

    public UpstreamError ReadError(ReadOnlySpan<byte> body) => MistralErrors.Read(body);

    public IStreamTranslator CreateStreamTranslator(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new MistralStreamTranslator(call, time.GetUtcNow().ToUnixTimeSeconds());
    }
}
