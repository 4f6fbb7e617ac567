namespace AiMesh.MockProvider.Chat;

/// <summary>The parts of a chat completion request the mock's answer depends on.</summary>
internal sealed record ChatRequest(
    string Model,
    bool Stream,
    bool IncludeUsage,
    int Choices,
    int? MaxTokens,
    int PromptTokens,
    string LastUserText,
    string? FirstToolName,
    ToolChoice ToolChoice,
    string? NamedTool,
    bool JsonMode);
