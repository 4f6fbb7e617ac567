using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// An Anthropic Messages request, checked as Anthropic checks it, as the mesh's canonical OpenAI chat request:
/// <c>system</c> → a system message first; <c>messages</c> by <see cref="AnthropicMessageTranslator"/>; tools by
/// <see cref="AnthropicToolTranslator"/>; <c>max_tokens</c>, <c>temperature</c>, <c>top_p</c> as they are;
/// <c>stop_sequences</c> → <c>stop</c>; <c>metadata.user_id</c> → <c>user</c>; <c>stream</c> with
/// <c>stream_options.include_usage</c> (the final <c>message_delta</c> carries usage, so it must arrive).
/// <c>top_k</c>, <c>thinking</c>, <c>service_tier</c>, <c>container</c>, <c>mcp_servers</c> and
/// <c>context_management</c> have no OpenAI form and travel as members of the same name, which the mesh's Anthropic
/// adapter passes on and other providers refuse. Any other member is refused, as Anthropic refuses it ("Extra inputs
/// are not permitted"), so no OpenAI parameter slips in under an Anthropic request.
/// </summary>
internal static class AnthropicRequestTranslator
{
    private static readonly HashSet<string> PassedThrough = ["top_k", "thinking", "service_tier", "container", "mcp_servers", "context_management"];

    private static readonly HashSet<string> Translated =
    [
        "model", "max_tokens", "messages", "system", "tools", "tool_choice", "stop_sequences", "temperature", "top_p",
        "metadata", "stream",
    ];

    // What a token count request may hold, as Anthropic's count_tokens defines it: the input, no sampling or limits.
    private static readonly HashSet<string> Counted = ["model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers", "context_management"];

    /// <param name="counting">
    /// A <c>count_tokens</c> request: only the members that make up the input are allowed, and <c>max_tokens</c> is not
    /// required.
    /// </param>
    /// <returns>The canonical request and the end user's id, or the 400 to answer.</returns>
    public static (JsonObject? Request, string? User, ApiError? Error) Translate(JsonObject source, bool counting = false)
    {
        try
        {
            var (request, user) = Build(source, counting);
            return (request, user, null);
        }
        catch (InvalidAnthropicRequest invalid)
        {
            return (null, null, invalid.Error);
        }
    }

    private static (JsonObject Request, string? User) Build(JsonObject source, bool counting)
    {
        foreach (var (name, _) in source)
        {
            if (counting ? !Counted.Contains(name) : !Translated.Contains(name) && !PassedThrough.Contains(name))
            {
                throw new InvalidAnthropicRequest(name, "Extra inputs are not permitted");
            }
        }

        var maxTokens = AnthropicJson.OptionalInteger(source["max_tokens"], "max_tokens", 1)
            ?? (counting ? long.MaxValue : throw new InvalidAnthropicRequest("max_tokens", "Field required"));
        var target = new JsonObject { ["model"] = AnthropicJson.String(source["model"], "model") };
        var messages = new JsonArray();
        System(source["system"], messages);
        AnthropicMessageTranslator.Translate(AnthropicJson.Array(source["messages"], "messages"), messages);
        target["messages"] = messages;
        if (!counting)
        {
            target["max_tokens"] = maxTokens;
        }

        if (source["stop_sequences"] is { } stops)
        {
            var list = AnthropicJson.Array(stops, "stop_sequences");
            for (var i = 0; i < list.Count; i++)
            {
                AnthropicJson.String(list[i], $"stop_sequences.{i}");
            }

            target["stop"] = list.DeepClone();
        }

        if (AnthropicJson.OptionalNumber(source["temperature"], "temperature", 0, 1) is not null)
        {
            target["temperature"] = source["temperature"]!.DeepClone();
        }

        if (AnthropicJson.OptionalNumber(source["top_p"], "top_p", 0, 1) is not null)
        {
            target["top_p"] = source["top_p"]!.DeepClone();
        }

        AnthropicJson.OptionalInteger(source["top_k"], "top_k", 0);
        Thinking(source["thinking"], maxTokens);

        if (source["tools"] is { } tools)
        {
            target["tools"] = AnthropicToolTranslator.Tools(tools);
        }

        if (source["tool_choice"] is { } choice)
        {
            AnthropicToolTranslator.Choice(choice, target);
        }

        var user = Metadata(source["metadata"]);
        if (user is not null)
        {
            target["user"] = user;
        }

        if (AnthropicJson.OptionalBoolean(source["stream"], "stream") == true)
        {
            target["stream"] = true;
            target["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        foreach (var name in PassedThrough)
        {
            if (source[name] is { } value)
            {
                target[name] = value.DeepClone();
            }
        }

        return (target, user);
    }

    private static void System(JsonNode? system, JsonArray messages)
    {
        if (system is null)
        {
            return;
        }

        if (system is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = value.DeepClone() });
            return;
        }

        var blocks = AnthropicJson.Array(system, "system");
        var parts = new List<JsonObject>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var path = $"system.{i}";
            var block = AnthropicJson.Object(blocks[i], path);
            if (AnthropicJson.String(block["type"], path + ".type") != "text")
            {
                throw new InvalidAnthropicRequest(path + ".type", "Input should be 'text'");
            }

            parts.Add(AnthropicBlocks.Part(block, "text", path)!);
        }

        if (parts.Count > 0)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = AnthropicBlocks.Content(parts) });
        }
    }

    private static void Thinking(JsonNode? node, long maxTokens)
    {
        if (node is null)
        {
            return;
        }

        var thinking = AnthropicJson.Object(node, "thinking");
        switch (AnthropicJson.String(thinking["type"], "thinking.type"))
        {
            case "enabled":
                var budget = AnthropicJson.OptionalInteger(thinking["budget_tokens"], "thinking.budget_tokens", 1024)
                    ?? throw new InvalidAnthropicRequest("thinking.budget_tokens", "Field required");
                if (budget >= maxTokens)
                {
                    throw new InvalidAnthropicRequest("thinking.budget_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`");
                }

                break;
            case "disabled" or "adaptive":
                break;
            default:
                throw new InvalidAnthropicRequest("thinking.type", "Input should be 'enabled', 'disabled' or 'adaptive'");
        }
    }

    private static string? Metadata(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var metadata = AnthropicJson.Object(node, "metadata");
        foreach (var (name, _) in metadata)
        {
            if (name != "user_id")
            {
                throw new InvalidAnthropicRequest($"metadata.{name}", "Extra inputs are not permitted");
            }
        }

        return AnthropicJson.OptionalString(metadata["user_id"], "metadata.user_id");
    }
}
