namespace AiMesh.Contracts.Routing;

/// <summary>Token counts as the provider reported them (or estimated, when <paramref name="Estimated"/>).</summary>
public sealed record TokenUsage(
    int PromptTokens,
    int CompletionTokens,
    int? CachedTokens = null,
    int? ReasoningTokens = null,
    bool Estimated = false);
