using System.Text;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// One planned Anthropic message: an optional thinking block, then either text or one tool use, with its stop
/// reason and usage. The reply itself comes from the shared <see cref="ReplyPlanner"/>, so the Anthropic mock says
/// exactly what the OpenAI mock says to the same prompt.
/// </summary>
/// <param name="Thinking">Streamed pieces of the thinking block; empty when thinking was not asked for.</param>
/// <param name="Pieces">The text pieces, or for a tool use the pieces of its input JSON.</param>
internal sealed record AnthropicAnswer(
    string Id,
    string Model,
    IReadOnlyList<string> Thinking,
    IReadOnlyList<string> Pieces,
    string? ToolName,
    string StopReason,
    string? StopSequence,
    int InputTokens,
    int CacheCreationTokens,
    int CacheReadTokens,
    bool SendUsage)
{
    public const string ToolUseId = "toolu_mock_1";

    private static readonly string[] ThinkingPieces = ["Let", " me", " think", " this", " through."];

    public int OutputTokens => Thinking.Count + Pieces.Count;

    public string Text => string.Concat(Pieces);

    public string ThinkingText => string.Concat(Thinking);

    /// <summary>A deterministic stand-in for Anthropic's opaque signature, so a client can send the block back.</summary>
    public string Signature => "mock-sig-" + Convert.ToBase64String(Encoding.UTF8.GetBytes(ThinkingText));

    public bool IsToolUse => ToolName is not null;

    /// <param name="cacheHit">Whether the request's cached prefix was already in the mock's cache.</param>
    public static AnthropicAnswer Plan(string id, AnthropicMessageRequest request, Scenario scenario, bool cacheHit)
    {
        var reply = ReplyPlanner.Plan(request.ToChatRequest(), scenario);
        IReadOnlyList<string> pieces = reply.Pieces;
        var stopReason = scenario.Finish ?? reply.FinishReason switch
        {
            "stop" => "end_turn",
            "length" => "max_tokens",
            "tool_calls" => "tool_use",
            var other => other,
        };
        string? stopSequence = null;
        if (!reply.IsToolCall && scenario.Finish is null && request.StopSequences.Count > 0)
        {
            for (var i = 0; i < pieces.Count; i++)
            {
                if (request.StopSequences.Contains(pieces[i].Trim()))
                {
                    stopSequence = pieces[i].Trim();
                    pieces = [.. pieces.Take(i)];
                    stopReason = "stop_sequence";
                    break;
                }
            }
        }

        var cached = request.CachePrefixKey is null ? 0 : request.CachePrefixTokens;
        return new AnthropicAnswer(
            id,
            request.Model,
            request.Thinking ? ThinkingPieces : [],
            pieces,
            reply.ToolName,
            stopReason,
            stopSequence,
            Math.Max(0, request.PromptTokens - cached),
            cacheHit ? 0 : cached,
            cacheHit ? cached : 0,
            !scenario.NoUsage);
    }
}
