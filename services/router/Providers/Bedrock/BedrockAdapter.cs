using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// Amazon Bedrock: chat through Converse (<c>POST /model/{modelId}/converse</c>) and ConverseStream
/// (<c>/converse-stream</c>, answered as an AWS event stream), embeddings through InvokeModel
/// (<c>/model/{modelId}/invoke</c>). The model id is the deployment's upstream model (a foundation model id,
/// an inference profile or an ARN), escaped into the path. Requests are signed with SigV4 for the service
/// <c>bedrock</c> in the deployment's region, at the time <see cref="TimeProvider"/> says; a deployment that names
/// a Bedrock API key (<c>ApiKeyEnv</c>) instead sends it as a bearer token.
/// </summary>
internal sealed class BedrockAdapter(TimeProvider time) : IProviderAdapter
{
    public const string ProviderName = "bedrock";

    /// <summary>The SigV4 service name of the Bedrock runtime endpoints.</summary>
    public const string SigningService = "bedrock";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("application/vnd.amazon.eventstream");

    public string Name => ProviderName;

    public IReadOnlyCollection<string> Providers { get; } = [ProviderName];

    public IReadOnlyCollection<string> Apis { get; } = [ProviderApis.ChatCompletions, ProviderApis.Embeddings];

    // Credentials are AWS keys, checked by BedrockOptionsValidator; an API key is one option among them.
    public bool RequiresApiKey(string provider) => false;

    public HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var deployment = call.Deployment;
        JsonObject body;
        string action;
        if (call.Api == ProviderApis.Embeddings)
        {
            body = BedrockEmbeddings.Build(call);
            action = "invoke";
        }
        else
        {
            body = ConverseRequest.Build(call);
            action = call.Stream ? "converse-stream" : "converse";
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, ProviderJson.SerializerOptions);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Json;
        var uri = new Uri(deployment.BaseUrl, $"model/{Uri.EscapeDataString(deployment.UpstreamModel)}/{action}");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.Accept.Add(call.Stream ? AcceptEventStream : AcceptJson);
        foreach (var (name, value) in deployment.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (deployment.AwsCredentials is { } credentials)
        {
            SigV4Signer.SignRequest(request, bytes, credentials, deployment.Region ?? "", SigningService, time.GetUtcNow());
        }
        else if (deployment.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        }

        return request;
    }

    public ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Api == ProviderApis.Embeddings
            ? BedrockEmbeddings.Read(call, body)
            : ConverseResponse.Read(body, CompletionId(call), time.GetUtcNow().ToUnixTimeSeconds(), call.Deployment.Model);
    }

    public UpstreamError ReadError(ReadOnlySpan<byte> body) => BedrockErrors.Read(body, null);

    public UpstreamError ReadError(ReadOnlySpan<byte> body, HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var type = headers.TryGetValues(BedrockErrors.ErrorTypeHeader, out var values) ? values.FirstOrDefault() : null;
        return BedrockErrors.Read(body, type);
    }

    public IStreamTranslator CreateStreamTranslator(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var chunks = new OpenAiChunkWriter(call.ClientIncludeUsage);
        chunks.Start(CompletionId(call), time.GetUtcNow().ToUnixTimeSeconds(), call.Deployment.Model);
        return new ConverseStreamTranslator(chunks);
    }

    public IStreamDecoder CreateStreamDecoder() => new EventStreamDecoder();

    /// <summary>Converse names no answer id; the request id makes one that is unique and stable across a call's chunks.</summary>
    private static string CompletionId(ProviderCall call) => "chatcmpl-" + call.RequestId.ToString("N");
}
