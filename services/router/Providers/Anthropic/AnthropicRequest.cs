using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// The client's OpenAI chat request as an Anthropic Messages request body. Reads the client's body without changing
/// it (a retry builds the same request again). Every member is either translated (messages, tools, stop, limits,
/// <c>user</c>, <c>response_format</c>), reported as unsupported (<see cref="AnthropicOpenAiOnlyParameters"/>), or —
/// being no OpenAI parameter — passed untouched: Anthropic's own <c>thinking</c>, <c>top_k</c>, <c>metadata</c>,
/// <c>service_tier</c>, <c>container</c>, <c>mcp_servers</c> and whatever it adds later.
/// </summary>
internal static class AnthropicRequest
{
    /// <summary>
    /// Anthropic requires <c>max_tokens</c>; an OpenAI client that sends none means "as long as the model allows".
    /// 4096 is the largest value every Claude model accepts (Claude 3 Haiku's ceiling), so the default never turns a
    /// valid request into an error; deployments of models with longer outputs set <c>DefaultMaxTokens</c>.
    /// </summary>
    public const int DefaultMaxTokens = 4096;

    // Members this class consumes itself; everything else is checked against the OpenAI-only list or passed on.
    private static readonly HashSet<string> Translated =
    [
        "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "stop", "user",
        "safety_identifier", "metadata", "tools", "tool_choice", "parallel_tool_calls", "response_format",
    ];

    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var source = call.Body;
        var unsupported = call.Unsupported;
        var clientLimit = source["max_completion_tokens"] ?? source["max_tokens"];
        var target = new JsonObject
        {
            ["model"] = call.Deployment.UpstreamModel,
            ["max_tokens"] = clientLimit?.DeepClone() ?? JsonValue.Create(call.Deployment.DefaultMaxTokens ?? DefaultMaxTokens),
        };
        AnthropicMessages.Translate(source, target, unsupported);

        if (source["stop"] is { } stop)
        {
            target["stop_sequences"] = JsonNodes.String(stop) is { } single ? new JsonArray(single) : stop.DeepClone();
        }

        if (Metadata(source) is { } metadata)
        {
            target["metadata"] = metadata;
        }

        if (!AnthropicJsonMode.TryPlan(source, out var jsonTool))
        {
            JsonNodes.AddOnce(unsupported, "response_format");
        }

        AnthropicTools.Translate(source, target, jsonTool, unsupported);
        foreach (var (name, value) in source)
        {
            if (Translated.Contains(name))
            {
                continue;
            }

            if (AnthropicOpenAiOnlyParameters.IsOpenAiOnly(name, value, out var asksForNothing))
            {
                if (!asksForNothing)
                {
                    JsonNodes.AddOnce(unsupported, name);
                }

                continue;
            }

            // temperature and top_p mean the same to both and pass as they are (a temperature above 1, valid for
            // OpenAI, is refused by Anthropic with a 400 rather than rescaled behind the client's back).
            if (value is not null || name is not ("temperature" or "top_p"))
            {
                target[name] = value?.DeepClone();
            }
        }

        if (call.Stream)
        {
            target["stream"] = true;
        }

        return target;
    }

    /// <summary>The client's <c>metadata</c> as it is, with its end-user id (<c>safety_identifier</c>, else <c>user</c>) as <c>user_id</c>.</summary>
    private static JsonNode? Metadata(JsonObject source)
    {
        var metadata = source["metadata"]?.DeepClone();
        var user = JsonNodes.String(source["safety_identifier"]) ?? JsonNodes.String(source["user"]);
        if (user is null)
        {
            return metadata;
        }

        if (metadata is null)
        {
            return new JsonObject { ["user_id"] = user };
        }

        if (metadata is JsonObject withUser && !withUser.ContainsKey("user_id"))
        {
            withUser["user_id"] = user;
        }

        return metadata;
    }
}
