using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// The client's <c>messages</c> as Gemini <c>contents</c> and <c>systemInstruction</c>:
/// <list type="bullet">
/// <item><c>system</c> and <c>developer</c> messages, wherever they stand, become the parts of <c>systemInstruction</c>, in order.</item>
/// <item><c>user</c> → role <c>user</c>; <c>assistant</c> → role <c>model</c>, its <c>tool_calls</c> → <c>functionCall</c> parts
/// (with the thought signature carried in the id, see <see cref="GeminiToolCallIds"/>).</item>
/// <item><c>tool</c> → a <c>functionResponse</c> part in a <c>user</c> turn, named after the earlier call with that id;
/// its text is the response when it is a JSON object, else <c>{"output": text}</c>.</item>
/// <item>Adjacent turns of one role are merged (parallel tool results become one turn, as Gemini expects).</item>
/// </list>
/// What Gemini has no equivalent for (a participant <c>name</c>, an image <c>detail</c>, an uploaded <c>file_id</c>,
/// assistant <c>audio</c>) is left out and named in <see cref="ProviderCall.Unsupported"/>.
/// </summary>
internal static class GeminiContents
{
    public static JsonArray Build(JsonNode? messages, List<string> unsupported, out JsonObject? systemInstruction)
    {
        var turns = new List<(string Role, JsonArray Parts)>();
        var system = new JsonArray();
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in messages as JsonArray ?? [])
        {
            if (node is not JsonObject message)
            {
                GeminiChatRequest.Note(unsupported, "messages");
                continue;
            }

            var role = Text(message["role"]);
            if (message["name"] is not null && role is "user" or "assistant" or "system" or "developer")
            {
                GeminiChatRequest.Note(unsupported, "messages[].name");
            }

            switch (role)
            {
                case "system" or "developer":
                    AddText(system, message["content"], unsupported);
                    break;
                case "user":
                    Append(turns, "user", UserParts(message["content"], unsupported));
                    break;
                case "assistant":
                    Append(turns, "model", AssistantParts(message, toolNames, unsupported));
                    break;
                case "tool" when ToolResult(message, toolNames, unsupported) is { } result:
                    Append(turns, "user", [result]);
                    break;
                case "tool":
                    break;
                default:
                    GeminiChatRequest.Note(unsupported, "messages[].role");
                    break;
            }
        }

        systemInstruction = system.Count > 0 ? new JsonObject { ["parts"] = system } : null;
        return [.. turns.Select(t => (JsonNode)new JsonObject { ["role"] = t.Role, ["parts"] = t.Parts })];
    }

    private static void Append(List<(string Role, JsonArray Parts)> turns, string role, JsonArray parts)
    {
        if (parts.Count == 0)
        {
            return;
        }

        if (turns.Count > 0 && turns[^1].Role == role)
        {
            foreach (var part in parts.ToArray())
            {
                parts.Remove(part);
                turns[^1].Parts.Add(part);
            }

            return;
        }

        turns.Add((role, parts));
    }

    private static void AddText(JsonArray parts, JsonNode? content, List<string> unsupported)
    {
        if (Text(content) is { } single)
        {
            parts.Add(new JsonObject { ["text"] = single });
            return;
        }

        if (content is not (null or JsonArray))
        {
            GeminiChatRequest.Note(unsupported, "messages[].content");
        }

        foreach (var item in content as JsonArray ?? [])
        {
            if (item is JsonObject part && Text(part["type"]) == "text" && Text(part["text"]) is { } text)
            {
                parts.Add(new JsonObject { ["text"] = text });
            }
            else
            {
                GeminiChatRequest.Note(unsupported, "messages[].content[]");
            }
        }
    }

    private static JsonArray UserParts(JsonNode? content, List<string> unsupported)
    {
        var parts = new JsonArray();
        if (content is not JsonArray items)
        {
            AddText(parts, content, unsupported);
            return parts;
        }

        foreach (var item in items)
        {
            if (item is not JsonObject part)
            {
                GeminiChatRequest.Note(unsupported, "messages[].content[]");
                continue;
            }

            var type = Text(part["type"]);
            var translated = type switch
            {
                "text" when Text(part["text"]) is { } text => new JsonObject { ["text"] = text },
                "image_url" => Image(part["image_url"], unsupported),
                "input_audio" => GeminiMedia.FromAudio(Text(GeminiJson.Member(part, "input_audio", "data")), Text(GeminiJson.Member(part, "input_audio", "format"))),
                "file" when part["file"] is JsonObject file && file["file_id"] is null && Text(file["file_data"]) is { } data
                    => GeminiMedia.FromDataUrl(data),
                _ => null,
            };
            if (translated is null)
            {
                GeminiChatRequest.Note(unsupported, "messages[].content[]." + (type is "image_url" or "input_audio" or "file" ? type : "type"));
            }
            else
            {
                parts.Add(translated);
            }
        }

        return parts;
    }

    private static JsonObject? Image(JsonNode? image, List<string> unsupported)
    {
        var url = Text(image) ?? Text(GeminiJson.Member(image, "url"));
        if (url is null)
        {
            return null;
        }

        // Gemini picks the resolution itself; a client's "low" or "high" cannot be honoured per image.
        if (image is JsonObject && Text(image["detail"]) is { } detail && detail != "auto")
        {
            GeminiChatRequest.Note(unsupported, "messages[].content[].image_url.detail");
        }

        return GeminiMedia.FromUrl(url);
    }

    private static JsonArray AssistantParts(JsonObject message, Dictionary<string, string> toolNames, List<string> unsupported)
    {
        var parts = new JsonArray();
        var content = message["content"];
        if (content is JsonArray items)
        {
            foreach (var item in items)
            {
                // An assistant's own refusal is text it said.
                if (item is JsonObject part && Text(part["type"]) is "text" or "refusal" && Text(part["text"] ?? part["refusal"]) is { } text)
                {
                    parts.Add(new JsonObject { ["text"] = text });
                }
                else
                {
                    GeminiChatRequest.Note(unsupported, "messages[].content[]");
                }
            }
        }
        else if (Text(content) is { Length: > 0 } text)
        {
            parts.Add(new JsonObject { ["text"] = text });
        }

        if (Text(message["refusal"]) is { Length: > 0 } refusal)
        {
            parts.Add(new JsonObject { ["text"] = refusal });
        }

        if (message["audio"] is not null)
        {
            GeminiChatRequest.Note(unsupported, "messages[].audio");
        }

        if (message["function_call"] is not null)
        {
            GeminiChatRequest.Note(unsupported, "messages[].function_call");
        }

        foreach (var item in message["tool_calls"] as JsonArray ?? [])
        {
            if (FunctionCall(item, toolNames, unsupported) is { } call)
            {
                parts.Add(call);
            }
        }

        return parts;
    }

    private static JsonObject? FunctionCall(JsonNode? item, Dictionary<string, string> toolNames, List<string> unsupported)
    {
        if (item is not JsonObject call || Text(call["type"]) is not (null or "function")
            || call["function"] is not JsonObject function || Text(function["name"]) is not { Length: > 0 } name)
        {
            GeminiChatRequest.Note(unsupported, "messages[].tool_calls[]");
            return null;
        }

        var id = Text(call["id"]);
        if (id is not null)
        {
            toolNames[id] = name;
        }

        var functionCall = new JsonObject { ["name"] = name, ["args"] = Arguments(function["arguments"], unsupported) };
        var part = new JsonObject { ["functionCall"] = functionCall };

        // Google's own OpenAI-compatible surface returns the signature in extra_content; clients that keep it send it back there.
        var signature = (id is null ? null : GeminiToolCallIds.Signature(id)) ?? Text(GeminiJson.Member(call, "extra_content", "google", "thought_signature"));
        if (signature is not null)
        {
            part["thoughtSignature"] = signature;
        }

        return part;
    }

    private static JsonObject Arguments(JsonNode? arguments, List<string> unsupported)
    {
        var text = Text(arguments);
        if (string.IsNullOrWhiteSpace(text))
        {
            // No arguments at all is how models write a call to a function without parameters.
            return [];
        }

        if (GeminiJson.ParseObject(text) is { } parsed)
        {
            return parsed;
        }

        // Gemini's args is an object; arguments that are not one cannot be sent as they are.
        GeminiChatRequest.Note(unsupported, "messages[].tool_calls[].function.arguments");
        return [];
    }

    private static JsonObject? ToolResult(JsonObject message, Dictionary<string, string> toolNames, List<string> unsupported)
    {
        var id = Text(message["tool_call_id"]);
        var name = id is not null && toolNames.TryGetValue(id, out var called) ? called : Text(message["name"]);
        if (string.IsNullOrEmpty(name))
        {
            // Gemini matches a result to its call by the function's name, which only the earlier call says.
            GeminiChatRequest.Note(unsupported, "messages[].tool_call_id");
            return null;
        }

        var text = ToolText(message["content"], unsupported);
        var response = GeminiJson.ParseObject(text) ?? new JsonObject { ["output"] = text };

        return new JsonObject { ["functionResponse"] = new JsonObject { ["name"] = name, ["response"] = response } };
    }

    private static string ToolText(JsonNode? content, List<string> unsupported)
    {
        if (content is not JsonArray items)
        {
            return Text(content) ?? "";
        }

        var parts = new List<string>();
        foreach (var item in items)
        {
            if (item is JsonObject part && Text(part["type"]) == "text" && Text(part["text"]) is { } text)
            {
                parts.Add(text);
            }
            else
            {
                GeminiChatRequest.Note(unsupported, "messages[].content[]");
            }
        }

        return string.Concat(parts);
    }

    private static string? Text(JsonNode? node) => GeminiJson.Text(node);
}
