using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Metering;
using AiMesh.Hosting.Redaction;

namespace AiMesh.Ingress.Bodies;

/// <summary>
/// Turns what a <see cref="BodyCapture"/> kept into the <see cref="UsageBodies"/> that leave the ingress: redacted with
/// the shared <see cref="SecretRedactor"/> (the caller's own key included) and cut to <c>Ingress:BodyLogMaxBytes</c> of
/// UTF-8, a cut one marked truncated.
/// <list type="bullet">
/// <item>The request: the body exactly as the client sent it (its own surface's format), redacted as JSON.</item>
/// <item>The rendered request, for a request naming a stored prompt: the body the saga routed
/// (<c>PromptRendered.Body</c>, the template's messages filled in with the variables), redacted and capped exactly like
/// the request. It is content (it holds the variables' values), so it is kept only where the request is.</item>
/// <item>A whole answer: its JSON body (the mesh's OpenAI-shaped answer; on the Anthropic surface the same answer
/// before the writer translated it), redacted as JSON.</item>
/// <item>A stream: one JSON object with each choice's assembled <c>content</c>, <c>reasoning</c> and
/// <c>tool_calls</c> (id, name, arguments) and its <c>finish_reason</c>, built from the chunks, not the raw events.
/// Why: every event repeats the id, model and timestamps around a few characters, so raw events under the same cap would
/// keep a small fraction of the answer, and what a reader wants is the text the client assembled.</item>
/// </list>
/// A body longer than the cap is redacted as text on its first cap plus a margin (so a secret across the cut is still
/// seen whole), then cut: it is no longer JSON, and says so.
/// </summary>
internal static class BodyLog
{
    /// <summary>Read past the cap before cutting, so a credential that straddles the cut is still recognised.</summary>
    private const int Margin = 4096;

    public static UsageBodies Build(
        byte[] request, string? answer, IReadOnlyList<string>? chunks, bool chunksCut, int maxBytes, string? knownSecret, string? rendered = null)
    {
        var (requestText, requestCut) = Redacted(request, maxBytes, knownSecret);
        string? renderedText = null;
        var renderedCut = false;
        if (rendered is not null)
        {
            (renderedText, renderedCut) = Redacted(Encoding.UTF8.GetBytes(rendered), maxBytes, knownSecret);
        }

        string? responseText = null;
        var responseCut = false;
        if (answer is not null)
        {
            (responseText, responseCut) = Redacted(Encoding.UTF8.GetBytes(answer), maxBytes, knownSecret);
        }
        else if (chunks is not null)
        {
            (responseText, responseCut) = Redacted(Encoding.UTF8.GetBytes(Assemble(chunks)), maxBytes, knownSecret);
            responseCut |= chunksCut;
        }

        return new UsageBodies(requestText, responseText, requestCut, responseCut, renderedText, renderedCut);
    }

    /// <summary>The stream's chunks (OpenAI <c>chat.completion.chunk</c> JSON) folded into one object per choice.</summary>
    public static string Assemble(IReadOnlyList<string> chunks)
    {
        var choices = new SortedDictionary<int, Choice>();
        string? model = null;
        foreach (var chunk in chunks)
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(chunk);
            }
            catch (JsonException)
            {
                continue;
            }

            model ??= Text(node?["model"]);
            if (node?["choices"] is not JsonArray deltas)
            {
                continue;
            }

            foreach (var delta in deltas)
            {
                var index = delta?["index"] is JsonValue i && i.TryGetValue<int>(out var n) ? n : 0;
                if (!choices.TryGetValue(index, out var choice))
                {
                    choices[index] = choice = new Choice();
                }

                choice.Add(delta!);
            }
        }

        var assembled = new JsonObject { ["object"] = "chat.completion.assembled" };
        if (model is not null)
        {
            assembled["model"] = model;
        }

        assembled["choices"] = new JsonArray([.. choices.Select(c => c.Value.ToJson(c.Key))]);
        return assembled.ToJsonString();
    }

    private static (string? Text, bool Cut) Redacted(byte[] body, int maxBytes, string? knownSecret)
    {
        if (body.Length <= maxBytes)
        {
            var redacted = SecretRedactor.RedactJson(Encoding.UTF8.GetString(body), knownSecret);
            return Encoding.UTF8.GetByteCount(redacted) <= maxBytes ? (redacted, false) : (Cut(redacted, maxBytes), true);
        }

        var head = Encoding.UTF8.GetString(body, 0, Boundary(body, Math.Min(body.Length, maxBytes + Margin)));
        return (Cut(SecretRedactor.RedactText(head, knownSecret), maxBytes), true);
    }

    /// <summary>The text's first <paramref name="maxBytes"/> bytes of UTF-8, never splitting a character.</summary>
    private static string Cut(string text, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length <= maxBytes ? text : Encoding.UTF8.GetString(bytes, 0, Boundary(bytes, maxBytes));
    }

    /// <summary>The largest length ≤ <paramref name="length"/> that ends on a character boundary.</summary>
    private static int Boundary(byte[] bytes, int length)
    {
        while (length > 0 && length < bytes.Length && (bytes[length] & 0xC0) == 0x80)
        {
            length--;
        }

        return length;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private sealed class Choice
    {
        private readonly StringBuilder _content = new();
        private readonly StringBuilder _reasoning = new();
        private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _tools = [];
        private string? _finish;

        public void Add(JsonNode delta)
        {
            _finish = Text(delta["finish_reason"]) ?? _finish;
            if (delta["delta"] is not JsonObject part)
            {
                return;
            }

            _content.Append(Text(part["content"]));
            _reasoning.Append(Text(part["reasoning_content"]) ?? Text(part["reasoning"]));
            if (part["tool_calls"] is not JsonArray calls)
            {
                return;
            }

            foreach (var call in calls)
            {
                var index = call?["index"] is JsonValue i && i.TryGetValue<int>(out var n) ? n : 0;
                var (id, name, arguments) = _tools.TryGetValue(index, out var known) ? known : (null, null, new StringBuilder());
                arguments.Append(Text(call?["function"]?["arguments"]));
                _tools[index] = (id ?? Text(call?["id"]), name ?? Text(call?["function"]?["name"]), arguments);
            }
        }

        public JsonObject ToJson(int index)
        {
            var json = new JsonObject { ["index"] = index, ["content"] = _content.ToString() };
            if (_reasoning.Length > 0)
            {
                json["reasoning"] = _reasoning.ToString();
            }

            if (_tools.Count > 0)
            {
                json["tool_calls"] = new JsonArray([.. _tools.Values.Select(t => (JsonNode)new JsonObject
                {
                    ["id"] = t.Id,
                    ["name"] = t.Name,
                    ["arguments"] = t.Arguments.ToString(),
                })]);
            }

            json["finish_reason"] = _finish;
            return json;
        }
    }
}
