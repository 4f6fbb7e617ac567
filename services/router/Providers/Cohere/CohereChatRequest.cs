using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Anthropic;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// The client's OpenAI chat request as a Cohere v2 chat body. Reads the client's body without changing it (a retry
/// builds the same request again). Each member is translated (messages by <see cref="CohereMessages"/>, tools and
/// <c>tool_choice</c> by <see cref="CohereTools"/>, <c>stop</c> → <c>stop_sequences</c>, <c>max_completion_tokens</c>
/// or <c>max_tokens</c> → <c>max_tokens</c>, <c>top_p</c> → <c>p</c>, <c>top_k</c> → <c>k</c>,
/// <c>response_format</c>), passed as it is where Cohere's name and meaning are OpenAI's (<c>temperature</c>,
/// <c>seed</c>, <c>frequency_penalty</c>, <c>presence_penalty</c>), judged by <see cref="CohereParameters"/>, or —
/// being no OpenAI parameter — passed untouched: Cohere's own <c>k</c>, <c>safety_mode</c>, <c>thinking</c>,
/// <c>documents</c>, <c>citation_options</c>, <c>priority</c> and whatever it adds later. No <c>max_tokens</c> is sent
/// when the client gave none (Cohere's default is the model's limit, as OpenAI's is) unless the deployment sets one.
/// </summary>
internal static class CohereChatRequest
{
    // Members this class consumes itself; everything else is checked against CohereParameters or passed on.
    private static readonly HashSet<string> Translated =
    [
        "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "stop", "top_p", "top_k",
        "tools", "tool_choice", "parallel_tool_calls", "response_format",
    ];

    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var source = call.Body;
        var unsupported = call.Unsupported;
        var target = new JsonObject
        {
            ["model"] = call.Deployment.UpstreamModel,
            ["messages"] = CohereMessages.Translate(source["messages"], unsupported),
        };

        if ((source["max_completion_tokens"] ?? source["max_tokens"])?.DeepClone() is { } limit)
        {
            target["max_tokens"] = limit;
        }
        else if (call.Deployment.DefaultMaxTokens is { } configured)
        {
            target["max_tokens"] = configured;
        }

        if (source["stop"] is { } stop)
        {
            target["stop_sequences"] = JsonNodes.String(stop) is { } single ? new JsonArray(single) : stop.DeepClone();
        }

        Rename(source, target, "top_p", "p");
        Rename(source, target, "top_k", "k");
        CohereTools.Translate(source, target, unsupported);
        ResponseFormat(source, target, unsupported);
        foreach (var (name, value) in source)
        {
            if (Translated.Contains(name))
            {
                continue;
            }

            switch (CohereParameters.Judge(name, value))
            {
                case CohereParameters.Verdict.Unsupported:
                    JsonNodes.AddOnce(unsupported, name);
                    break;
                case CohereParameters.Verdict.Pass when value is not null:
                    target[name] = value.DeepClone();
                    break;
                default:
                    break;
            }
        }

        if (call.Stream)
        {
            target["stream"] = true;
        }

        return target;
    }

    private static void Rename(JsonObject source, JsonObject target, string openAiName, string cohereName)
    {
        if (source[openAiName] is { } value)
        {
            target[cohereName] = value.DeepClone();
        }
    }

    /// <summary>
    /// <c>json_object</c> is Cohere's JSON mode; <c>json_schema</c> is the same mode with the schema as
    /// <c>json_schema</c>; <c>text</c> is the default and sends nothing.
    /// </summary>
    private static void ResponseFormat(JsonObject source, JsonObject target, List<string> unsupported)
    {
        if (source["response_format"] is not { } format)
        {
            return;
        }

        var schema = CohereNodes.Member(format, "json_schema", "schema") as JsonObject;
        switch (JsonNodes.String(CohereNodes.Member(format, "type")))
        {
            case "text":
                break;
            case "json_object":
                target["response_format"] = new JsonObject { ["type"] = "json_object" };
                break;
            case "json_schema" when schema is not null:
                target["response_format"] = new JsonObject { ["type"] = "json_object", ["json_schema"] = schema.DeepClone() };
                break;
            default:
                JsonNodes.AddOnce(unsupported, "response_format");
                break;
        }
    }
}
