using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// What the Gemini API and Vertex AI adapters share: the chat bodies and answers, the stream translation and the
/// errors are the same on both; they differ in URLs, credentials and the embeddings method.
/// </summary>
internal abstract class GoogleAdapter(TimeProvider time) : IProviderAdapter
{
    public abstract string Name { get; }

    public abstract IReadOnlyCollection<string> Providers { get; }

    public IReadOnlyCollection<string> Apis { get; } = [ProviderApis.ChatCompletions, ProviderApis.Embeddings];

    public abstract bool RequiresApiKey(string provider);

    public abstract HttpRequestMessage BuildRequest(ProviderCall call);

    public ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Api == ProviderApis.Embeddings
            ? ReadEmbeddings(call, body)
            : GeminiChatResponse.Read(call, body, time.GetUtcNow().ToUnixTimeSeconds());
    }

    public UpstreamError ReadError(ReadOnlySpan<byte> body) => GeminiErrors.Read(body);

    public IStreamTranslator CreateStreamTranslator(ProviderCall call) => new GeminiStreamTranslator(call, time.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>The embeddings answer, whose shape differs between the two APIs.</summary>
    protected abstract ProviderResponse ReadEmbeddings(ProviderCall call, ReadOnlySpan<byte> body);
}
