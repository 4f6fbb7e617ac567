using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.PromptApis;

/// <summary>
/// <c>POST /v1/prompts/{name}/run</c> and each API's own path (<c>/apis/…</c>): a published prompt called like a
/// function. The body is the input (the prompt's variables); the ingress builds the chat request
/// <c>{model, prompt: {id, label | version, variables}}</c> and serves it through the chat completion exchange and saga
/// (<see cref="CompletionExchange"/>), so authentication, policy, rendering, routing and metering are the chat path's:
/// one usage event per call, with the prompt's id and version. The answer is <c>{id, object: "prompt.run", prompt,
/// version, model, output, usage, attempts}</c>; errors are OpenAI's envelope.
/// <para>
/// Output <c>json</c>: the model's text is parsed and checked against the API's output schema; if it fails, one repair
/// call follows (the same prompt version and input, the bad output and what is wrong appended, JSON mode asked for: a
/// usage event of its own); if that fails too the answer is 502 <c>output_invalid</c>, never an output made up here.
/// </para>
/// </summary>
internal sealed class PromptApiEndpoint(CompletionExchange exchange, PromptApiCatalog catalog)
{
    public const string Api = "prompts.run";

    public Task RunByNameAsync(HttpContext http, string name) => RunAsync(http, catalog.ByName(name), name);

    public Task RunByPathAsync(HttpContext http, string path) => RunAsync(http, catalog.ByPath("/apis/" + path), path);

    private async Task RunAsync(HttpContext http, PublishedApi? api, string asked)
    {
        if (!catalog.IsLoaded)
        {
            RequestIds.Assign(http);
            await OpenAiErrors.WriteAsync(http.Response, ApiError.Unavailable("prompt_apis_unavailable"));
            return;
        }

        if (api is not { Detail.Enabled: true, Detail.CurrentModel: not null })
        {
            RequestIds.Assign(http);
            await OpenAiErrors.WriteAsync(http.Response, NotFound(asked));
            return;
        }

        JsonNode? input = null;
        var first = new CapturingWriter();
        await exchange.HandleAsync(http, Api, (body, depth) =>
        {
            (input, var invalid) = ReadInput(body, depth);
            return invalid is not null ? (null, invalid) : (Request(api, Pinned(api), input!, null), null);
        }, first);

        if (first.Error is { } error)
        {
            await OpenAiErrors.WriteAsync(http.Response, Explained(error, api));
            return;
        }

        var id = http.Response.Headers[RequestIds.Header].ToString();
        var version = http.Response.Headers[CompletionExchange.PromptVersionHeader].ToString();
        var answer = Answer.Read(first.Body!);
        if (!api.JsonOutput)
        {
            await WriteAsync(http, api, id, version, answer, JsonValue.Create(answer.Text), 1);
            return;
        }

        var (output, problem) = OutputCheck.Check(answer.Text, api);
        if (output is not null)
        {
            await WriteAsync(http, api, id, version, answer, output, 1);
            return;
        }

        // One repair call, pinned to the version that answered, so a label moving meanwhile cannot mix two prompts.
        var repair = new CapturingWriter();
        var pinned = int.TryParse(version, out var number) ? new JsonObject { ["version"] = number } : Pinned(api);
        var repairBody = Request(api, pinned, input!, (answer.Text, problem!));
        await exchange.HandleAsync(http, Api, (_, _) => (repairBody, null), repair, Encoding.UTF8.GetBytes(repairBody.Body));
        if (repair.Error is { } repairError)
        {
            await OpenAiErrors.WriteAsync(http.Response, Explained(repairError, api));
            return;
        }

        var repaired = Answer.Read(repair.Body!);
        (output, problem) = OutputCheck.Check(repaired.Text, api);
        if (output is null)
        {
            await OpenAiErrors.WriteAsync(http.Response, new ApiError(502, "api_error", "output_invalid",
                $"The model's output did not satisfy the API's output schema, also after one repair. {problem}"));
            return;
        }

        await WriteAsync(http, api, id, version, answer.Plus(repaired), output, 2);
    }

    private static ApiError NotFound(string asked) => new(404, "invalid_request_error", "prompt_api_not_found",
        $"The prompt API '{asked}' does not exist or you do not have access to it.");

    /// <summary>
    /// A failure as the API's caller should read it: the prompt's variables are the whole body, so a variable at fault is
    /// named as the body's member (<c>text</c>, not <c>prompt.variables.text</c>); a key not allowed the API hears it
    /// does not exist (policy's <c>model_not_found</c> for <c>prompt:{name}</c>), as an unknown API.
    /// </summary>
    private static ApiError Explained(ApiError error, PublishedApi api)
    {
        const string Variables = "prompt.variables.";
        if (error.Code == "model_not_found")
        {
            return NotFound(api.Detail.Name);
        }

        return error.Param is { } param && param.StartsWith(Variables, StringComparison.Ordinal)
            ? error with { Param = param[Variables.Length..] }
            : error;
    }

    private static (JsonNode? Input, ApiError? Error) ReadInput(byte[] body, int maxDepth)
    {
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth });
            return node is JsonObject ? (node, null) : (null, ApiError.Invalid("The request body must be a JSON object: the prompt's input.", null, "invalid_json"));
        }
        catch (JsonException)
        {
            return (null, ApiError.Invalid("The request body is not valid JSON (or nests deeper than " + maxDepth + " levels).", null, "invalid_json"));
        }
    }

    private static JsonObject Pinned(PublishedApi api) => api.Detail.Version is { } version
        ? new JsonObject { ["version"] = version }
        : new JsonObject { ["label"] = api.Detail.Label };

    /// <summary>The chat request a call makes; with <paramref name="repair"/>, the bad output and what is wrong follow the prompt's own messages.</summary>
    private static ValidatedRequest Request(PublishedApi api, JsonObject pinned, JsonNode input, (string Output, string Problem)? repair)
    {
        var prompt = new JsonObject { ["id"] = api.Detail.Name };
        foreach (var (key, value) in pinned)
        {
            prompt[key] = value?.DeepClone();
        }

        prompt["variables"] = input.DeepClone();
        var body = new JsonObject { ["model"] = api.Detail.CurrentModel, ["prompt"] = prompt };
        if (repair is { } fix)
        {
            body["messages"] = new JsonArray(
                new JsonObject { ["role"] = "assistant", ["content"] = fix.Output },
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = $"That answer is not valid. {fix.Problem} Reply with the corrected JSON only, nothing else.",
                });
            body["response_format"] = new JsonObject { ["type"] = "json_object" };
        }

        // A repair call counts against the API's limit no more: the limit counts the API's calls, not the provider calls.
        return new ValidatedRequest(
            "chat.completions", api.Detail.CurrentModel!, false, true, null, null, body.ToJsonString(), null, null, api.AuthorizedAs,
            repair is null ? api.Detail.RequestsPerMinute : null);
    }

    private static async Task WriteAsync(HttpContext http, PublishedApi api, string id, string version, Answer answer, JsonNode? output, int attempts)
    {
        var result = new JsonObject
        {
            ["id"] = id,
            ["object"] = "prompt.run",
            ["prompt"] = api.Detail.Name,
            ["version"] = int.TryParse(version, out var number) ? number : null,
            ["model"] = answer.Model,
            ["output"] = output,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = answer.PromptTokens,
                ["completion_tokens"] = answer.CompletionTokens,
                ["total_tokens"] = answer.PromptTokens + answer.CompletionTokens,
            },
            ["attempts"] = attempts,
        };
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(result.ToJsonString()), http.RequestAborted);
    }

    /// <summary>What a prompt API reads of a chat completion: the first choice's text, the model and the tokens.</summary>
    private sealed record Answer(string Text, string? Model, long PromptTokens, long CompletionTokens)
    {
        public static Answer Read(string body)
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var text = root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.String
                    ? content.GetString()!
                    : "";
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            long Tokens(string name) => root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty(name, out var n) && n.TryGetInt64(out var value) ? value : 0;
            return new Answer(text, model, Tokens("prompt_tokens"), Tokens("completion_tokens"));
        }

        public Answer Plus(Answer repair) => new(repair.Text, repair.Model ?? Model, PromptTokens + repair.PromptTokens, CompletionTokens + repair.CompletionTokens);
    }
}
