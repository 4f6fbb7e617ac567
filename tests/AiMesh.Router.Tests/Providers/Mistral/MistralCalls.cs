using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Mistral;
using AiMesh.Router.Routing;

namespace AiMesh.Router.Tests.Providers.Mistral;

/// <summary>Calls, a fixed clock and Mistral's stream in the shapes of its API reference, for the adapter's tests.</summary>
internal static class MistralCalls
{
    public const string Key = "mistral-key-0123456789abcdefghijKLMNOP";
    public const long Now = 1_700_000_500;

    public static readonly MistralAdapter Adapter = new(new FixedTime());

    /// <summary>Role chunk, text, a tool call whole in one delta, the finish with usage, the end.</summary>
    public static readonly string[] Events =
    [
        """{"id":"6f1b2c","object":"chat.completion.chunk","created":1700000000,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""",
        """{"id":"6f1b2c","object":"chat.completion.chunk","created":1700000000,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"Hel\"lo"},"finish_reason":null}]}""",
        """{"id":"6f1b2c","object":"chat.completion.chunk","created":1700000000,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":" wörld 😀"},"finish_reason":null}]}""",
        """{"id":"6f1b2c","object":"chat.completion.chunk","created":1700000000,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"","tool_calls":[{"id":"D681PevKs","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"},"index":0}]},"finish_reason":null}]}""",
        """{"id":"6f1b2c","object":"chat.completion.chunk","created":1700000000,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":""},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":12,"total_tokens":30,"completion_tokens":18}}""",
        "[DONE]",
    ];

    public static Deployment Deployment() => new(
        "mistral-chat",
        "mistral-public",
        "mistral",
        new Uri("https://api.mistral.ai/v1/"),
        "mistral-small-latest",
        new ApiKey(Key),
        new Dictionary<string, string>(),
        [ProviderApis.ChatCompletions, ProviderApis.Embeddings],
        "mistral",
        0);

    public static ProviderCall Call(string body, bool stream = false, string api = ProviderApis.ChatCompletions)
    {
        var parsed = ClientRequest.TryParse(body) ?? throw new ArgumentException("Not a JSON object.", nameof(body));
        return new ProviderCall
        {
            RequestId = Guid.Parse("0b8c6a5e-1d2f-4e3a-9b7c-6d5e4f3a2b1c"),
            Api = api,
            Deployment = Deployment(),
            Body = parsed,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(parsed),
        };
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(Now);
    }
}
