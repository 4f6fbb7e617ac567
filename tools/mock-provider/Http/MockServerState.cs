using AiMesh.MockProvider.Anthropic;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Http;

/// <summary>What one running mock shares across its requests. Values are copied from the options at start.</summary>
internal sealed class MockServerState(MockProviderOptions options, MockRecorder recorder, CancellationToken stopping)
{
    private long _nextCompletion;

    public Scenario Defaults { get; } = Scenario.FromOptions(options);

    /// <summary>The options the mock started with (the Bedrock routes verify signatures with its AWS credentials).</summary>
    public MockProviderOptions Options { get; } = options;

    public MockRecorder Recorder { get; } = recorder;

    public StatusCounters Counters { get; } = new();

    /// <summary>Prompt prefixes Anthropic requests marked for caching (see <see cref="AnthropicPromptCache"/>).</summary>
    public AnthropicPromptCache AnthropicPromptCache { get; } = new();

    /// <summary>The Google (Gemini, Vertex AI) side: the service-account key it trusts and the access tokens it issued.</summary>
    public Gemini.GoogleMockState Google { get; } = new(options.ServiceAccountPublicKeyPem);

    /// <summary>The Entra ID side of Azure OpenAI: the access tokens its token endpoint issued.</summary>
    public Azure.EntraMockState Entra { get; } = new();

    public IReadOnlyList<string> ModelIds { get; } = ["mock-gpt", "mock-embed", .. options.Models.Where(m => m is not ("mock-gpt" or "mock-embed")).Distinct(StringComparer.Ordinal)];

    /// <summary>Fires when the host stops, so stalls and delays end instead of holding shutdown up.</summary>
    public CancellationToken Stopping { get; } = stopping;

    public long NextCompletionNumber() => Interlocked.Increment(ref _nextCompletion);
}
