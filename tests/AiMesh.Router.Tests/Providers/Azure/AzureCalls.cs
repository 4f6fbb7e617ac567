using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Azure;
using AiMesh.Router.Routing;

namespace AiMesh.Router.Tests.Providers.Azure;

/// <summary>Calls, deployments and Azure's answers in the shapes of its documented examples, for the adapter's tests.</summary>
internal static class AzureCalls
{
    public const string Key = "azure-key-0123456789abcdefghijKLMNOP";

    // No token cache: these deployments use api-key or a static bearer, whose credentials step does no I/O.
    public static readonly AzureAdapter Adapter = new(null!);

    /// <summary>A stream as Azure sends one: the prompt-filter chunk, the role chunk, content with filter results, an
    /// asynchronous-filter chunk with no delta, the finish chunk, the usage chunk, the end.</summary>
    public static readonly string[] Events =
    [
        """{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}""",
        """{"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1700000000,"id":"chatcmpl-A1","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_1","usage":null}""",
        """{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"delta":{"content":"Hel\"lo"},"finish_reason":null,"index":0,"logprobs":null}],"created":1700000000,"id":"chatcmpl-A1","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_1","usage":null}""",
        """{"choices":[{"content_filter_offsets":{"check_offset":0,"start_offset":0,"end_offset":5},"content_filter_results":{"violence":{"filtered":false,"severity":"safe"}},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}""",
        """{"choices":[{"content_filter_results":{},"delta":{"content":" wörld"},"finish_reason":null,"index":0,"logprobs":null}],"created":1700000000,"id":"chatcmpl-A1","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_1","usage":null}""",
        """{"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1700000000,"id":"chatcmpl-A1","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_1","usage":null}""",
        """{"choices":[],"created":1700000000,"id":"chatcmpl-A1","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_1","usage":{"completion_tokens":2,"prompt_tokens":9,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":4}}}""",
        "[DONE]",
    ];

    public static Deployment Deployment(string? apiVersion = AzureDeploymentSettings.DefaultApiVersion, bool bearer = false) => new(
        "azure-chat",
        "gpt-public",
        "azure",
        new Uri("https://contoso.openai.azure.com/"),
        "gpt4o prod",
        new ApiKey(Key),
        new Dictionary<string, string> { ["x-ms-client-request-id"] = "r-1" },
        [ProviderApis.ChatCompletions, ProviderApis.Embeddings],
        "azure",
        0,
        ApiVersion: apiVersion,
        AzureBearer: bearer);

    public static ProviderCall Call(string body, bool stream = false, Deployment? deployment = null, string api = ProviderApis.ChatCompletions)
    {
        var parsed = ClientRequest.TryParse(body) ?? throw new ArgumentException("Not a JSON object.", nameof(body));
        return new ProviderCall
        {
            RequestId = Guid.Parse("0b8c6a5e-1d2f-4e3a-9b7c-6d5e4f3a2b1c"),
            Api = api,
            Deployment = deployment ?? Deployment(),
            Body = parsed,
            Stream = stream,
            ClientIncludeUsage = ClientRequest.IncludesUsage(parsed),
        };
    }
}
