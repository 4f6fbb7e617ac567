using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Providers.Anthropic;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// An OpenAI chat request as Mistral's <c>POST /v1/chat/completions</c> body. Mistral refuses any member it does not
/// define (422 "Extra inputs are not permitted"), so the body is built from a list of what it does define:
/// <list type="bullet">
/// <item>Same name, same meaning: <c>temperature</c>, <c>top_p</c>, <c>stop</c>, <c>n</c>, <c>presence_penalty</c>,
/// <c>frequency_penalty</c>, <c>response_format</c> (<c>text</c>, <c>json_object</c>, <c>json_schema</c>),
/// <c>tools</c> (functions), <c>parallel_tool_calls</c>, <c>prediction</c>.</item>
/// <item>Renamed: <c>seed</c> → <c>random_seed</c>; <c>max_completion_tokens</c> (else <c>max_tokens</c>) →
/// <c>max_tokens</c>; <c>tool_choice: "required"</c> → <c>"any"</c> (<c>auto</c>, <c>none</c> and a named function
/// are the same).</item>
/// <item>Mistral's own, passed as sent: <c>safe_prompt</c>, <c>prompt_mode</c>, <c>random_seed</c>.</item>
/// <item><c>stream_options</c>: not sent; Mistral reports usage on every stream's last chunk, and the router gives the
/// client the usage chunk it asked for.</item>
/// </list>
/// Every other member with a value (<c>logprobs</c>, <c>top_logprobs</c>, <c>logit_bias</c>, <c>user</c>,
/// <c>service_tier</c>, <c>store</c>, <c>metadata</c>, <c>reasoning_effort</c>, <c>audio</c>, <c>modalities</c>,
/// <c>web_search_options</c>, the legacy <c>functions</c>…) is reported in <see cref="ProviderCall.Unsupported"/> and
/// left out; a member set to null is not sent.
/// </summary>
internal static class MistralChatRequest
{
    private static readonly HashSet<string> SameName =
    [
        "temperature", "top_p", "stop", "n", "presence_penalty", "frequency_penalty", "response_format",
        "parallel_tool_calls", "prediction", "safe_prompt", "prompt_mode",
    ];

    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var source = call.Body;
        var body = new JsonObject
        {
            ["model"] = call.Deployment.UpstreamModel,
            ["messages"] = MistralMessages.Translate(source["messages"], call.Unsupported),
        };
        foreach (var (name, value) in source)
        {
            if (value is null || value.GetValueKind() == JsonValueKind.Null)
            {
                continue;
            }

            switch (name)
            {
                case "model" or "messages" or "stream":
                    break;
                case "stream_options":
                    StreamOptions(value, call.Unsupported);
                    break;
                case "max_completion_tokens":
                    body["max_tokens"] = value.DeepClone();
                    break;
                case "max_tokens":
                    if (source["max_completion_tokens"] is null)
                    {
                        body["max_tokens"] = value.DeepClone();
                    }

                    break;
                case "seed":
                    body["random_seed"] = value.DeepClone();
                    break;
                case "random_seed":
                    if (source["seed"] is null)
                    {
                        body["random_seed"] = value.DeepClone();
                    }

                    break;
                case "tools":
                    Tools(body, value, call.Unsupported);
                    break;
                case "tool_choice":
                    body["tool_choice"] = JsonNodes.String(value) == "required" ? "any" : value.DeepClone();
                    break;
                case "logprobs" when JsonNodes.IsFalse(value):
                case "store" when JsonNodes.IsFalse(value):
                    // The default, asked for explicitly: nothing to honour.
                    break;
                case not null when SameName.Contains(name):
                    body[name] = value.DeepClone();
                    break;
                default:
                    JsonNodes.AddOnce(call.Unsupported, name!);
                    break;
            }
        }

        body["stream"] = call.Stream;
        return body;
    }

    private static void StreamOptions(JsonNode value, List<string> unsupported)
    {
        if (value is JsonObject options && options.Any(option => option.Key != "include_usage" && option.Value is not null))
        {
            JsonNodes.AddOnce(unsupported, "stream_options");
        }
    }

    private static void Tools(JsonObject body, JsonNode value, List<string> unsupported)
    {
        if (value is JsonArray tools && tools.Any(tool => tool is JsonObject t && JsonNodes.String(t["type"]) is { } type && type != "function"))
        {
            // Built-in tools (OpenAI's custom tools, web search…) are not Mistral chat tools.
            JsonNodes.AddOnce(unsupported, "tools");
            return;
        }

        body["tools"] = value.DeepClone();
    }
}
