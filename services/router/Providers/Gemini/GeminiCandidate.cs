using System.Text;
using System.Text.Json;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// What one candidate of a <c>GenerateContentResponse</c> (a whole answer or one streamed event) says: its text,
/// its function calls and its finish reason. Thought summaries (<c>"thought": true</c>) are not answer text and are
/// skipped, as are part kinds an OpenAI chat answer has no place for (inline images, code execution).
/// </summary>
internal sealed class GeminiCandidate
{
    private GeminiCandidate(int index, string? text, IReadOnlyList<GeminiFunctionCall> calls, string? finishReason)
    {
        Index = index;
        Text = text;
        Calls = calls;
        FinishReason = finishReason;
    }

    /// <summary>The candidate's index (proto JSON leaves out a zero one).</summary>
    public int Index { get; }

    /// <summary>The text parts joined; null when there is none.</summary>
    public string? Text { get; }

    public IReadOnlyList<GeminiFunctionCall> Calls { get; }

    public string? FinishReason { get; }

    /// <returns>The candidates of <paramref name="root"/>; empty when it has none.</returns>
    public static List<GeminiCandidate> ReadAll(JsonElement root)
    {
        var candidates = new List<GeminiCandidate>();
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("candidates", out var list)
            || list.ValueKind != JsonValueKind.Array)
        {
            return candidates;
        }

        var position = 0;
        foreach (var candidate in list.EnumerateArray())
        {
            if (candidate.ValueKind == JsonValueKind.Object)
            {
                var index = GeminiJson.Int(candidate, "index") ?? position;
                candidates.Add(Read(candidate, Math.Max(0, index)));
            }

            position++;
        }

        return candidates;
    }

    private static GeminiCandidate Read(JsonElement candidate, int index)
    {
        StringBuilder? text = null;
        var calls = new List<GeminiFunctionCall>();
        if (candidate.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object
            && content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in parts.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || (part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True))
                {
                    continue;
                }

                if (GeminiJson.String(part, "text") is { Length: > 0 } piece)
                {
                    (text ??= new StringBuilder()).Append(piece);
                }

                if (part.TryGetProperty("functionCall", out var call) && GeminiJson.String(call, "name") is { Length: > 0 } name)
                {
                    var arguments = call.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Object ? args.GetRawText() : "{}";
                    calls.Add(new GeminiFunctionCall(name, arguments, GeminiJson.String(part, "thoughtSignature")));
                }
            }
        }

        return new GeminiCandidate(index, text?.ToString(), calls, GeminiJson.String(candidate, "finishReason"));
    }
}
