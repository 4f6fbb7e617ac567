using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// The Gemini API (Google AI Studio), provider <c>gemini</c>: <c>POST {BaseUrl}/models/{model}:generateContent</c>,
/// <c>:streamGenerateContent?alt=sse</c> and <c>:batchEmbedContents</c>, e.g. with BaseUrl
/// <c>https://generativelanguage.googleapis.com/v1beta</c>. The key goes in the <c>x-goog-api-key</c> header, never
/// in the URL's <c>key=</c> query, since URLs end up in logs. Bodies are shared with Vertex AI (<see cref="VertexAdapter"/>).
/// </summary>
internal sealed class GeminiAdapter(TimeProvider time) : GoogleAdapter(time)
{
    public const string ApiKeyHeader = "x-goog-api-key";

    public override string Name => "gemini";

    public override IReadOnlyCollection<string> Providers { get; } = ["gemini"];

    public override bool RequiresApiKey(string provider) => true;

    public override HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = call.Api == ProviderApis.Embeddings ? GeminiEmbeddings.BuildGemini(call) : GeminiChatRequest.Build(call);
        var url = new Uri(call.Deployment.BaseUrl, "models/" + GeminiHttp.Model(call.Deployment) + GeminiHttp.Method(call, "batchEmbedContents"));
        var request = ProviderHttp.PostJson(call, url, body);
        if (call.Deployment.ApiKey is { } key)
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, key.Reveal());
        }

        return request;
    }

    protected override ProviderResponse ReadEmbeddings(ProviderCall call, ReadOnlySpan<byte> body) => GeminiEmbeddings.ReadGemini(call, body);
}
