using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// Anthropic's Messages API (provider <c>anthropic</c>), for OpenAI chat completions.
/// <para>
/// URL: like the OpenAI adapter's, a deployment's <c>BaseUrl</c> is the API root with its version,
/// <c>https://api.anthropic.com/v1</c>, and the adapter appends <c>messages</c>: one convention for every deployment,
/// and a gateway or mock in front of Anthropic is configured the same way.
/// </para>
/// <para>
/// Headers: the key as <c>x-api-key</c>; <c>anthropic-version</c> is <c>2023-06-01</c> unless the deployment's
/// <c>Headers</c> name another, which is also where <c>anthropic-beta</c> goes.
/// </para>
/// <para>
/// Translation: the request by <see cref="AnthropicRequest"/>, the answer by <see cref="AnthropicResponseReader"/>,
/// a stream by <see cref="AnthropicStreamTranslator"/>, errors by <see cref="AnthropicErrors"/>. Anthropic has no
/// embeddings API, so the adapter serves chat completions only.
/// </para>
/// </summary>
internal sealed class AnthropicAdapter(TimeProvider time) : IProviderAdapter
{
    public const string VersionHeader = "anthropic-version";
    public const string DefaultVersion = "2023-06-01";
    public const string KeyHeader = "x-api-key";

    public string Name => "anthropic";

    public IReadOnlyCollection<string> Providers { get; } = ["anthropic"];

    public IReadOnlyCollection<string> Apis { get; } = [ProviderApis.ChatCompletions];

    // Anthropic's API answers every call without a key with 401: a deployment without one is a configuration error.
    public bool RequiresApiKey(string provider) => true;

    public HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Api != ProviderApis.ChatCompletions)
        {
            throw new ArgumentOutOfRangeException(nameof(call), call.Api, "Not an API this adapter serves.");
        }

        var body = AnthropicRequest.Build(call);
        var request = ProviderHttp.PostJson(call, new Uri(call.Deployment.BaseUrl, "messages"), body);

        if (!call.Deployment.Headers.ContainsKey(VersionHeader))
        {
            request.Headers.TryAddWithoutValidation(VersionHeader, DefaultVersion);
        }

        if (call.Deployment.ApiKey is { } key)
        {
            request.Headers.TryAddWithoutValidation(KeyHeader, key.Reveal());
        }

        return request;
    }

    public ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body) =>
        AnthropicResponseReader.Read(call, body, time.GetUtcNow().ToUnixTimeSeconds());

    public UpstreamError ReadError(ReadOnlySpan<byte> body) => AnthropicErrors.Read(body);

    public IStreamTranslator CreateStreamTranslator(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new AnthropicStreamTranslator(call, time.GetUtcNow().ToUnixTimeSeconds());
    }
}
