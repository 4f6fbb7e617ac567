using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// The <c>generateContent</c> body for an OpenAI chat request, the same for the Gemini API and Vertex AI. Every
/// member of the client's request is either translated, known to make no difference to the answer (<c>user</c>,
/// <c>metadata</c>…), or named in <see cref="ProviderCall.Unsupported"/>; nothing is dropped silently.
/// <list type="bullet">
/// <item><c>temperature</c>, <c>top_p</c>, <c>top_k</c>, <c>max_completion_tokens</c> (or <c>max_tokens</c>), <c>stop</c>, <c>seed</c>,
/// <c>n</c>, <c>presence_penalty</c>, <c>frequency_penalty</c> → <c>generationConfig</c>. No output limit is invented: without one
/// the model's own applies.</item>
/// <item><c>response_format</c> → <c>responseMimeType</c> and <c>responseSchema</c> (see <see cref="GeminiSchema"/>).</item>
/// <item><c>reasoning_effort</c> → <c>thinkingConfig.thinkingBudget</c> with the budgets Google's own OpenAI-compatible
/// endpoint uses (none 0, low 1,024, medium 8,192, high 24,576); other levels have no published equivalent.</item>
/// <item><c>logprobs</c>, <c>top_logprobs</c>, <c>logit_bias</c>, <c>parallel_tool_calls: false</c>, audio output and the
/// like have no faithful equivalent and are unsupported.</item>
/// </list>
/// </summary>
internal static class GeminiChatRequest
{
    public static JsonObject Build(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var body = call.Body;
        var unsupported = call.Unsupported;
        var generation = new JsonObject();
        foreach (var (name, value) in body)
        {
            // A member set to null is the same as one left out.
            if (value is null)
            {
                continue;
            }

            switch (name)
            {
                case "model" or "messages" or "stream" or "stream_options" or "tools" or "tool_choice" or "response_format":
                    break;
                case "temperature":
                    generation["temperature"] = value.DeepClone();
                    break;
                case "top_p":
                    generation["topP"] = value.DeepClone();
                    break;
                case "top_k":
                    generation["topK"] = value.DeepClone();
                    break;
                case "max_tokens" when body["max_completion_tokens"] is null:
                case "max_completion_tokens":
                    generation["maxOutputTokens"] = value.DeepClone();
                    break;
                case "max_tokens":
                    break;
                case "stop":
                    generation["stopSequences"] = value.GetValueKind() == JsonValueKind.String ? new JsonArray(value.DeepClone()) : value.DeepClone();
                    break;
                case "seed" when value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out var seed) && seed is < int.MinValue or > int.MaxValue:
                    // Gemini's seed is 32 bits; a larger one would be a different seed.
                    Note(unsupported, name);
                    break;
                case "seed":
                    generation["seed"] = value.DeepClone();
                    break;
                case "n":
                    generation["candidateCount"] = value.DeepClone();
                    break;
                case "presence_penalty":
                    generation["presencePenalty"] = value.DeepClone();
                    break;
                case "frequency_penalty":
                    generation["frequencyPenalty"] = value.DeepClone();
                    break;
                case "reasoning_effort":
                    Reasoning(generation, value, unsupported);
                    break;
                case "logprobs" or "parallel_tool_calls" or "store":
                    // The default is honoured as it is; only the other value asks for something Gemini cannot do.
                    if (value.GetValueKind() != (name == "parallel_tool_calls" ? JsonValueKind.True : JsonValueKind.False))
                    {
                        Note(unsupported, name);
                    }

                    break;
                case "service_tier" when GeminiJson.Text(value) is "auto" or "default":
                    break;
                case "user" or "safety_identifier" or "prompt_cache_key" or "metadata":
                    // Bookkeeping for OpenAI's own account features: they do not change the answer.
                    break;
                default:
                    Note(unsupported, name);
                    break;
            }
        }

        ResponseFormat(generation, body["response_format"], unsupported);
        var request = new JsonObject { ["contents"] = GeminiContents.Build(body["messages"], unsupported, out var system) };
        if (system is not null)
        {
            request["systemInstruction"] = system;
        }

        if (GeminiTools.Declarations(body["tools"], unsupported) is { } tools)
        {
            request["tools"] = tools;
            if (GeminiTools.Config(body["tool_choice"], unsupported) is { } toolConfig)
            {
                request["toolConfig"] = toolConfig;
            }
        }

        if (generation.Count > 0)
        {
            request["generationConfig"] = generation;
        }

        return request;
    }

    /// <summary>Adds <paramref name="name"/> to the unsupported fields once.</summary>
    public static void Note(List<string> unsupported, string name)
    {
        ArgumentNullException.ThrowIfNull(unsupported);
        if (!unsupported.Contains(name))
        {
            unsupported.Add(name);
        }
    }

    private static void ResponseFormat(JsonObject generation, JsonNode? format, List<string> unsupported)
    {
        if (format is null)
        {
            return;
        }

        switch (GeminiJson.Text(GeminiJson.Member(format, "type")))
        {
            case "text":
                break;
            case "json_object":
                generation["responseMimeType"] = "application/json";
                break;
            case "json_schema":
                generation["responseMimeType"] = "application/json";
                if (GeminiJson.Member(format, "json_schema", "schema") is JsonObject schema)
                {
                    if (GeminiSchema.Translate(schema) is { } translated)
                    {
                        generation["responseSchema"] = translated;
                    }
                    else
                    {
                        // Outside the OpenAPI subset: Gemini also takes JSON Schema itself, so the client's is sent as it is.
                        generation["responseJsonSchema"] = schema.DeepClone();
                    }
                }

                break;
            default:
                Note(unsupported, "response_format");
                break;
        }
    }

    private static void Reasoning(JsonObject generation, JsonNode value, List<string> unsupported)
    {
        int? budget = GeminiJson.Text(value) switch
        {
            "none" => 0,
            "low" => 1024,
            "medium" => 8192,
            "high" => 24576,
            _ => null,
        };
        if (budget is null)
        {
            Note(unsupported, "reasoning_effort");
            return;
        }

        generation["thinkingConfig"] = new JsonObject { ["thinkingBudget"] = budget };
    }
}
