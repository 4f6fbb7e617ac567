namespace AiMesh.Contracts.Routing;

/// <summary>Token counts as the provider reported them (or estimated, when <paramref name="Estimated"/>).</summary>
/// <param name="PromptTokens">Every input token, as OpenAI counts them: cached and cache-writing tokens included.</param>
/// <param name="CachedTokens">Of <paramref name="PromptTokens"/>, those read from the provider's prompt cache.</param>
/// <param name="CacheWriteTokens">
/// Of <paramref name="PromptTokens"/>, those written to the provider's prompt cache (Anthropic, Bedrock bill them
/// apart); null when the provider does not report them.
/// </param>
public sealed record TokenUsage(
    int PromptTokens,
    int CompletionTokens,
    int? CachedTokens = null,
    int? ReasoningTokens = null,
    bool Estimated = false,
    int? CacheWriteTokens = null);
