using System.Text;
using System.Text.Json;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Shadowing;

/// <summary>
/// The text of an answer as the client received it, for <see cref="TextSimilarity"/>. Every adapter translates its
/// provider's answer into OpenAI's chat shape, so one reader serves all providers: a whole answer's
/// <c>choices[].message.content</c> (a string, or the <c>text</c> of its parts), a stream's
/// <c>choices[].delta.content</c> of every relayed chunk, concatenated per choice. Several choices (<c>n</c>) are read as one
/// text, in index order.
/// Tool calls, refusals and reasoning are not the answer's text and are left out; embeddings have no text (null).
/// </summary>
internal static class AnswerText
{
    /// <summary>A whole answer's text; null when the API has no text or the body holds none.</summary>
    public static string? OfAnswer(string api, string? body) =>
        api == ProviderApis.ChatCompletions && body is not null ? Read([body], "message") : null;

    /// <summary>A streamed answer's text, from the chunks relayed to the client; null when they hold none.</summary>
    public static string? OfChunks(string api, IReadOnlyList<string>? chunks) =>
        api == ProviderApis.ChatCompletions && chunks is { Count: > 0 } ? Read(chunks, "delta") : null;

    private static string? Read(IEnumerable<string> documents, string part)
    {
        // One text per choice (by its index): a stream interleaves the deltas of several choices, and a word must not
        // run from one choice's text into another's.
        var texts = new SortedDictionary<int, StringBuilder>();
        foreach (var json in documents)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty(part, out var message) && message.ValueKind == JsonValueKind.Object
                        && message.TryGetProperty("content", out var content))
                    {
                        var index = choice.TryGetProperty("index", out var at) && at.TryGetInt32(out var number) ? number : 0;
                        AppendContent(texts.TryGetValue(index, out var text) ? text : texts[index] = new StringBuilder(), content);
                    }
                }
            }
            catch (JsonException)
            {
                // The router's own JSON; should a piece not parse, it adds no words (the score stays a comparison of what did).
            }
        }

        var joined = string.Join(' ', texts.Values.Where(t => t.Length > 0));
        return joined.Length == 0 ? null : joined;
    }

    private static void AppendContent(StringBuilder text, JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            text.Append(content.GetString());
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var item in content.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("text", out var piece) && piece.ValueKind == JsonValueKind.String)
            {
                // Parts are separate pieces of text: a space keeps the last word of one from joining the first of the next.
                text.Append(text.Length > 0 ? " " : "").Append(piece.GetString());
            }
        }
    }
}
