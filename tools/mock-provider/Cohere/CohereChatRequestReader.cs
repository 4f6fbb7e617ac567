using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Cohere;

/// <summary>
/// Reads a v2 chat body and refuses what Cohere refuses, in its words: members that are not v2 chat parameters
/// (which is how an OpenAI field a gateway forgot to translate shows up), a missing model, empty messages or turns,
/// a system turn that is not the first,
/// unknown roles, a tool result that answers no earlier tool call, an OpenAI-style <c>tool_choice</c>, a temperature
/// above 1.
/// </summary>
internal static class CohereChatRequestReader
{
    private static readonly HashSet<string> Known =
    [
        "model", "messages", "tools", "documents", "citation_options", "response_format", "safety_mode", "max_tokens",
        "stop_sequences", "temperature", "seed", "frequency_penalty", "presence_penalty", "k", "p", "logprobs",
        "tool_choice", "strict_tools", "stream", "thinking", "priority",
    ];

    public static bool TryRead(ReadOnlyMemory<byte> body, out CohereChatRequest request, out CohereError? error)
    {
        request = null!;
        try
        {
            using var document = JsonDocument.Parse(body);
            error = Read(document.RootElement, out request);
        }
        catch (JsonException)
        {
            error = CohereError.BadRequest("invalid request: the body is not valid JSON.");
        }

        return error is null;
    }

    private static CohereError? Read(JsonElement root, out CohereChatRequest request)
    {
        request = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return CohereError.BadRequest("invalid request: the body must be a JSON object.");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
            {
                return CohereError.BadRequest($"invalid request: unknown field: parameter {property.Name} is not a valid field");
            }
        }

        if (String(root, "model") is not { Length: > 0 } model)
        {
            return CohereError.BadRequest("invalid request: model must be specified.");
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return CohereError.BadRequest("invalid request: messages must not be empty.");
        }

        if (root.TryGetProperty("temperature", out var temperature) && (!temperature.TryGetDouble(out var t) || t is < 0 or > 1))
        {
            return CohereError.BadRequest("invalid request: temperature must be between 0 and 1.0 inclusive.");
        }

        var callIds = new HashSet<string>(StringComparer.Ordinal);
        var promptTokens = 0;
        var lastUser = "";
        var first = true;
        foreach (var message in messages.EnumerateArray())
        {
            var role = String(message, "role");
            if (role == "system" && !first)
            {
                return CohereError.BadRequest("system turn must be the first in the list");
            }

            first = false;
            var text = role is "assistant" ? String(message, "tool_plan") ?? Text(message) : Text(message);
            if (role is not ("system" or "user" or "assistant" or "tool"))
            {
                return CohereError.BadRequest("invalid request: role must be one of system, user, assistant, tool.");
            }

            if (role == "assistant" && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (String(call, "id") is not { } id || !call.TryGetProperty("function", out var function) || String(function, "name") is null
                        || String(function, "arguments") is null)
                    {
                        return CohereError.BadRequest("invalid request: tool calls must have an id, a function name and arguments.");
                    }

                    callIds.Add(id);
                }
            }
            else if (string.IsNullOrWhiteSpace(text) && !HasImage(message))
            {
                return CohereError.BadRequest("message must not be empty in a turn");
            }

            if (role == "tool" && (String(message, "tool_call_id") is not { } answered || !callIds.Contains(answered)))
            {
                return CohereError.BadRequest("invalid request: tool_call_id must match a tool call of an earlier assistant message.");
            }

            promptTokens += Words.Count(text ?? "");
            if (role == "user")
            {
                lastUser = text ?? "";
            }
        }

        var toolChoice = ToolChoice.Auto;
        if (String(root, "tool_choice") is { } choice)
        {
            toolChoice = choice switch
            {
                "REQUIRED" => ToolChoice.Required,
                "NONE" => ToolChoice.None,
                _ => (ToolChoice)(-1),
            };
            if (!Enum.IsDefined(toolChoice))
            {
                return CohereError.BadRequest("invalid request: tool_choice must be one of REQUIRED, NONE.");
            }
        }
        else if (root.TryGetProperty("tool_choice", out _))
        {
            return CohereError.BadRequest("invalid request: tool_choice must be a string.");
        }

        var stops = new List<string>();
        if (root.TryGetProperty("stop_sequences", out var stopSequences))
        {
            if (stopSequences.ValueKind != JsonValueKind.Array || stopSequences.GetArrayLength() > 5
                || stopSequences.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
            {
                return CohereError.BadRequest("invalid request: stop_sequences must be a list of at most 5 strings.");
            }

            stops.AddRange(stopSequences.EnumerateArray().Select(s => s.GetString()!));
        }

        request = new CohereChatRequest(
            model,
            root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            root.TryGetProperty("max_tokens", out var max) && max.TryGetInt32(out var limit) ? limit : null,
            promptTokens,
            lastUser,
            FirstToolName(root),
            toolChoice,
            root.TryGetProperty("response_format", out var format) && String(format, "type") == "json_object",
            stops);
        return null;
    }

    private static string? FirstToolName(JsonElement root) =>
        root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
            ? tools.EnumerateArray().Select(t => t.TryGetProperty("function", out var f) ? String(f, "name") : null).FirstOrDefault(n => n is not null)
            : null;

    /// <summary>A message's text: its string content, or its text parts joined.</summary>
    private static string? Text(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return null;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }

        return content.ValueKind == JsonValueKind.Array
            ? string.Concat(content.EnumerateArray().Where(p => String(p, "type") == "text").Select(p => String(p, "text")))
            : null;
    }

    private static bool HasImage(JsonElement message) =>
        message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
        && content.EnumerateArray().Any(p => String(p, "type") == "image_url");

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
