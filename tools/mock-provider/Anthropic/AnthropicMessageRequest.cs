using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>The parts of a Messages API request the mock's answer depends on.</summary>
/// <param name="CachePrefixTokens">Words up to and including the last block marked with <c>cache_control</c>; 0 when none is.</param>
/// <param name="CachePrefixKey">A hash of that prefix, so a repeated prefix reads from the mock's cache; null when nothing is marked.</param>
/// <param name="Thinking">Whether <c>thinking</c> asked for extended thinking.</param>
internal sealed record AnthropicMessageRequest(
    string Model,
    bool Stream,
    int MaxTokens,
    int PromptTokens,
    int CachePrefixTokens,
    string? CachePrefixKey,
    string LastUserText,
    string? FirstToolName,
    ToolChoice ToolChoice,
    string? NamedTool,
    bool Thinking,
    IReadOnlyList<string> StopSequences)
{
    /// <summary>The same request in the terms the shared <see cref="ReplyPlanner"/> decides by.</summary>
    public ChatRequest ToChatRequest() =>
        new(Model, Stream, false, 1, MaxTokens, PromptTokens, LastUserText, FirstToolName, ToolChoice, NamedTool, false);
}
