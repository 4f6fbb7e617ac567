using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Cohere;

/// <summary>
/// One planned Cohere v2 chat answer: text, or one tool call (with a tool plan before it when the last user text asks
/// "with a plan", as Cohere's models say one), its finish reason and usage. The reply comes from the shared
/// <see cref="ReplyPlanner"/>, so the Cohere mock says exactly what the OpenAI mock says to the same prompt. Usage counts
/// a prompt template of <see cref="TemplateTokens"/> in <c>tokens</c> but not in <c>billed_units</c>, as Cohere does.
/// </summary>
/// <param name="Pieces">The text pieces, or for a tool call the pieces of its arguments.</param>
internal sealed record CohereAnswer(
    string Id,
    IReadOnlyList<string> Plan,
    IReadOnlyList<string> Pieces,
    string? ToolName,
    string FinishReason,
    int BilledInputTokens,
    bool SendUsage)
{
    public const int TemplateTokens = 5;

    public bool IsToolCall => ToolName is not null;

    public string ToolCallId => ToolName + "_mock_1";

    public string Text => string.Concat(Pieces);

    public int OutputTokens => Plan.Count + Pieces.Count;

    public static CohereAnswer Create(string id, CohereChatRequest request, Scenario scenario)
    {
        var reply = ReplyPlanner.Plan(request.ToChatRequest(), scenario);
        IReadOnlyList<string> pieces = reply.Pieces;
        var finish = reply.FinishReason switch
        {
            "stop" => "COMPLETE",
            "length" => "MAX_TOKENS",
            "tool_calls" => "TOOL_CALL",
            var other => other,
        };
        if (!reply.IsToolCall && scenario.Finish is null && request.StopSequences.Count > 0)
        {
            var stop = reply.Pieces.ToList().FindIndex(p => request.StopSequences.Contains(p.Trim()));
            if (stop >= 0)
            {
                pieces = reply.Pieces.Take(stop).ToArray();
                finish = "STOP_SEQUENCE";
            }
        }

        string[] plan = reply.IsToolCall && request.LastUserText.Contains("with a plan", StringComparison.OrdinalIgnoreCase)
            ? ["I will", " call " + reply.ToolName, "."]
            : [];
        return new CohereAnswer(id, plan, pieces, reply.ToolName, finish, request.PromptTokens, !scenario.NoUsage);
    }
}
