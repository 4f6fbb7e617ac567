using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.MockProvider.Mistral;

/// <summary>
/// Checks a Mistral request as Mistral does, before the shared readers see it: only the members Mistral defines
/// (anything else, e.g. OpenAI's <c>seed</c>, <c>stream_options</c>, <c>max_completion_tokens</c> or <c>user</c>
/// left untranslated by a gateway, is a 422 "Extra inputs are not permitted"), <c>tool_choice</c> one of
/// <c>auto</c>, <c>none</c>, <c>any</c>, <c>required</c> or a named function, and tool call ids of nine letters and
/// digits. Then it hands the shared readers the body in OpenAI's words (<c>any</c> is <c>required</c>).
/// </summary>
internal static class MistralRequestReader
{
    public static readonly HashSet<string> ChatMembers =
    [
        "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed", "response_format",
        "tools", "tool_choice", "presence_penalty", "frequency_penalty", "n", "prediction", "parallel_tool_calls",
        "prompt_mode", "safe_prompt",
    ];

    public static readonly HashSet<string> EmbeddingMembers = ["model", "input", "output_dimension", "output_dtype"];

    private static readonly HashSet<string> ToolChoices = ["auto", "none", "any", "required"];

    /// <returns>The body for the shared readers, or null with the error Mistral would answer.</returns>
    public static byte[]? TryRead(ReadOnlyMemory<byte> body, HashSet<string> members, out MistralError? error)
    {
        error = null;
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(body.Span) as JsonObject;
        }
        catch (JsonException)
        {
            root = null;
        }

        if (root is null)
        {
            error = MistralError.Invalid("Invalid JSON body.");
            return null;
        }

        if (root.Select(member => member.Key).FirstOrDefault(name => !members.Contains(name)) is { } extra)
        {
            error = MistralError.ExtraInput(extra);
            return null;
        }

        if (root["tool_choice"] is JsonValue choice && (choice.GetValueKind() != JsonValueKind.String || !ToolChoices.Contains(choice.GetValue<string>())))
        {
            error = MistralError.ExtraInput("tool_choice");
            return null;
        }

        if (BadToolCallId(root["messages"]) is { } id)
        {
            error = MistralError.Invalid($"Tool call id was {id} but must be a-z, A-Z, 0-9, with a length of 9.");
            return null;
        }

        if (root["tool_choice"] is JsonValue any && any.GetValue<string>() == "any")
        {
            root["tool_choice"] = "required";
        }

        if (root["output_dimension"] is { } dimension)
        {
            root.Remove("output_dimension");
            root["dimensions"] = dimension.DeepClone();
        }

        root.Remove("output_dtype");
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    private static string? BadToolCallId(JsonNode? messages)
    {
        foreach (var message in messages as JsonArray ?? [])
        {
            if (message is not JsonObject m)
            {
                continue;
            }

            var ids = new List<JsonNode?> { m["tool_call_id"] };
            ids.AddRange((m["tool_calls"] as JsonArray ?? []).Select(call => call?["id"]));
            foreach (var id in ids)
            {
                if (id is JsonValue value && value.GetValueKind() == JsonValueKind.String
                    && value.GetValue<string>() is var text && (text.Length != 9 || !text.All(char.IsAsciiLetterOrDigit)))
                {
                    return text;
                }
            }
        }

        return null;
    }
}
