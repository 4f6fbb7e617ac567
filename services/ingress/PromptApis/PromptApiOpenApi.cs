using System.Text.Json.Nodes;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.PromptApis;

/// <summary>
/// <c>GET /v1/prompts/{name}/openapi.json</c> and <c>GET /v1/prompts/openapi.json</c> (every enabled API): OpenAPI 3.1
/// documents generated from the APIs as published, the request body's schema being the prompt version's input schema and
/// the answer's <c>output</c> the output schema (a string in text mode). OpenAPI 3.1 takes JSON Schema as it is, so
/// the schemas go in unchanged. Served without a key: they describe how to call, and calling needs one.
/// </summary>
internal sealed class PromptApiOpenApi(PromptApiCatalog catalog)
{
    public async Task OneAsync(HttpContext http, string name)
    {
        if (catalog.ByName(name) is not { Detail.Enabled: true } api)
        {
            RequestIds.Assign(http);
            await OpenAiErrors.WriteAsync(http.Response, new ApiError(404, "invalid_request_error", "prompt_api_not_found",
                $"The prompt API '{name}' does not exist or you do not have access to it."));
            return;
        }

        await WriteAsync(http, Document($"Prompt API {name}", api.Detail.CurrentVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0", [api]));
    }

    public Task AllAsync(HttpContext http) =>
        WriteAsync(http, Document("AiMesh prompt APIs", "1", [.. catalog.All.Where(a => a.Detail.Enabled).OrderBy(a => a.Detail.Name, StringComparer.Ordinal)]));

    private static async Task WriteAsync(HttpContext http, JsonObject document)
    {
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(document.ToJsonString(), http.RequestAborted);
    }

    public static JsonObject Document(string title, string version, IReadOnlyList<PublishedApi> apis)
    {
        ArgumentNullException.ThrowIfNull(apis);
        var paths = new JsonObject();
        foreach (var api in apis)
        {
            paths[$"/v1/prompts/{api.Detail.Name}/run"] = new JsonObject { ["post"] = Operation(api, "run_" + api.Detail.Name) };
            if (api.Detail.Path is { } path)
            {
                paths[path] = new JsonObject { ["post"] = Operation(api, "run_" + api.Detail.Name + "_at_path") };
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = title, ["version"] = version },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject { ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" } },
                ["schemas"] = new JsonObject { ["Error"] = ErrorSchema() },
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
        };
    }

    private static JsonObject Operation(PublishedApi api, string operationId)
    {
        var detail = api.Detail;
        var output = api.JsonOutput
            ? detail.OutputSchema is { } schema ? Parse(schema) : new JsonObject()
            : new JsonObject { ["type"] = "string" };
        var error = new JsonObject { ["content"] = Json(new JsonObject { ["$ref"] = "#/components/schemas/Error" }) };
        return new JsonObject
        {
            ["operationId"] = operationId,
            ["summary"] = $"Runs prompt '{detail.Name}' ({(detail.Version is { } v ? $"version {v}" : $"label {detail.Label}")}), output {detail.Output}.",
            ["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = Json(detail.InputSchema is { } input ? Parse(input) : new JsonObject { ["type"] = "object" }),
            },
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "The prompt's output.", ["content"] = Json(Result(output)) },
                ["400"] = Described(error, "The input does not match the input schema (param names the field)."),
                ["401"] = Described(error, "No valid key."),
                ["404"] = Described(error, "No such API, or the key may not call it."),
                ["429"] = Described(error, "A rate limit (the API's own, or the key's) was reached."),
                ["502"] = Described(error, "The provider failed, or (output json) the output stayed invalid after one repair: code output_invalid."),
            },
        };
    }

    private static JsonObject Result(JsonNode output) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray("id", "object", "prompt", "version", "output", "usage", "attempts"),
        ["properties"] = new JsonObject
        {
            ["id"] = new JsonObject { ["type"] = "string" },
            ["object"] = new JsonObject { ["const"] = "prompt.run" },
            ["prompt"] = new JsonObject { ["type"] = "string" },
            ["version"] = new JsonObject { ["type"] = "integer" },
            ["model"] = new JsonObject { ["type"] = "string" },
            ["output"] = output,
            ["usage"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["prompt_tokens"] = new JsonObject { ["type"] = "integer" },
                    ["completion_tokens"] = new JsonObject { ["type"] = "integer" },
                    ["total_tokens"] = new JsonObject { ["type"] = "integer" },
                },
            },
            ["attempts"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 2 },
        },
    };

    private static JsonObject ErrorSchema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["message"] = new JsonObject { ["type"] = "string" },
                    ["type"] = new JsonObject { ["type"] = "string" },
                    ["param"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
                    ["code"] = new JsonObject { ["type"] = new JsonArray("string", "null") },
                },
            },
        },
    };

    private static JsonObject Described(JsonObject response, string description)
    {
        var copy = (JsonObject)response.DeepClone();
        copy["description"] = description;
        return copy;
    }

    private static JsonObject Json(JsonNode schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonNode Parse(string schema) => JsonNode.Parse(schema) ?? new JsonObject();
}
