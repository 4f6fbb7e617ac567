namespace AiMesh.MockProvider.Chat;

/// <summary>
/// The answer for one choice, as the pieces a stream sends one by one. For a tool call the pieces are the
/// function arguments; otherwise they concatenate to the message content.
/// </summary>
internal sealed record Reply(IReadOnlyList<string> Pieces, string? ToolName, string FinishReason)
{
    public const string ToolCallId = "call_mock_1";

    public bool IsToolCall => ToolName is not null;

    public string Text => string.Concat(Pieces);
}
