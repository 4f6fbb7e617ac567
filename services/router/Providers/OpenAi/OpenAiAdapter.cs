using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.OpenAi;

/// <summary>
/// OpenAI and every server that speaks its API (vLLM, Ollama, Groq, Together, DeepSeek, OpenRouter, xAI…).
/// The request passes through with two changes only: <c>model</c> becomes the deployment's upstream name, and a
/// streamed chat asks for <c>stream_options.include_usage</c> so usage is always metered.
/// </summary>
internal sealed class OpenAiAdapter : IProviderAdapter
{
    public string Name => "openai";

    public IReadOnlyCollection<string> Providers { get; } =
        ["openai", "openai-compatible", "vllm", "ollama", "groq", "together", "deepseek", "openrouter", "xai"];

    public IReadOnlyCollection<string> Apis { get; } = [ProviderApis.ChatCompletions, ProviderApis.Embeddings];

    // Any OpenAI-compatible server may run without credentials (a local vLLM or Ollama, a mock, a proxy that
    // adds them); a hosted one without a key answers 401, which the router reports as upstream_auth_failed.
    public bool RequiresApiKey(string provider) => false;

    public HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = PrepareBody(call);
        body["model"] = call.Deployment.UpstreamModel;
        var request = ProviderHttp.PostJson(call, new Uri(call.Deployment.BaseUrl, Path(call.Api)), body);
        if (call.Deployment.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        }

        return request;
    }

    /// <summary>
    /// The client's body as an OpenAI-compatible server needs it, shared with the adapters of servers that speak
    /// OpenAI's body at other URLs (Azure OpenAI): <c>stream</c> agreeing with the call, and a streamed chat asking
    /// for <c>stream_options.include_usage</c> so usage is always metered. The caller decides <c>model</c>.
    /// <para>
    /// The mesh's own message members, which the Anthropic surface of the ingress writes and no OpenAI-compatible
    /// server defines, do not travel as they are (OpenAI answers 400 to a member it does not know):
    /// <c>thinking_blocks</c> on an assistant message is Anthropic's signed thinking, meaningful to Anthropic only
    /// and ignored by it for earlier turns anyway, so it is left out; <c>is_error</c> on a tool message says the tool
    /// failed, which this API cannot say, so it is an unsupported parameter (rejected or dropped, as the deployment
    /// says). <c>cache_control</c> (on a message or a part) passes through to servers that read it (OpenRouter and
    /// others) and is an unsupported parameter for OpenAI's and Azure's own APIs.
    /// </para>
    /// </summary>
    internal static JsonObject PrepareBody(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = call.Body;
        if (call.Api == ProviderApis.ChatCompletions)
        {
            LeaveOutMeshMembers(call, body);
            // The transport reads what the call says (SSE or JSON); the body must agree with it.
            if (IsTrue(body["stream"]) != call.Stream)
            {
                body["stream"] = call.Stream;
            }

            if (call.Stream)
            {
                if (body["stream_options"] is JsonObject streamOptions)
                {
                    streamOptions["include_usage"] = true;
                }
                else
                {
                    body["stream_options"] = new JsonObject { ["include_usage"] = true };
                }
            }
        }

        return body;
    }

    private static void LeaveOutMeshMembers(ProviderCall call, JsonObject body)
    {
        if (body["messages"] is not JsonArray messages)
        {
            return;
        }

        var strict = call.Deployment.Provider is "openai" or "azure";
        foreach (var message in messages.OfType<JsonObject>())
        {
            message.Remove("thinking_blocks");
            if (message.Remove("is_error"))
            {
                Unsupported(call, "is_error");
            }

            if (strict && RemoveCacheControl(message))
            {
                Unsupported(call, "cache_control");
            }
        }
    }

    /// <returns>True when the message or one of its content parts had <c>cache_control</c>.</returns>
    private static bool RemoveCacheControl(JsonObject message)
    {
        var removed = message.Remove("cache_control");
        if (message["content"] is JsonArray parts)
        {
            foreach (var part in parts.OfType<JsonObject>())
            {
                removed |= part.Remove("cache_control");
            }
        }

        return removed;
    }

    private static void Unsupported(ProviderCall call, string name)
    {
        if (!call.Unsupported.Contains(name))
        {
            call.Unsupported.Add(name);
        }
    }

    /// <summary>The relative path of an API under the deployment's base URL.</summary>
    internal static string Path(string api) => api switch
    {
        ProviderApis.ChatCompletions => "chat/completions",
        ProviderApis.Embeddings => "embeddings",
        _ => throw new ArgumentOutOfRangeException(nameof(api), api, "Not an API this adapter serves."),
    };

    public ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new ProviderResponse(Encoding.UTF8.GetString(body), OpenAiUsage.Read(document.RootElement))
                : ProviderResponse.Invalid;
        }
        catch (JsonException)
        {
            return ProviderResponse.Invalid;
        }
    }

    public UpstreamError ReadError(ReadOnlySpan<byte> body) => OpenAiErrors.Read(body);

    public IStreamTranslator CreateStreamTranslator(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new OpenAiStreamTranslator(call.ClientIncludeUsage);
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.True;
}
