using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Cohere;

/// <summary>What the Cohere mock's answer depends on in a v2 chat request.</summary>
internal sealed record CohereChatRequest(
    string Model,
    bool Stream,
    int? MaxTokens,
    int PromptTokens,
    string LastUserText,
    string? FirstToolName,
    ToolChoice ToolChoice,
    bool JsonMode,
    IReadOnlyList<string> StopSequences)
{
    public ChatRequest ToChatRequest() =>
        new(Model, Stream, IncludeUsage: false, Choices: 1, MaxTokens, PromptTokens, LastUserText, FirstToolName, ToolChoice, NamedTool: null, JsonMode);
}
