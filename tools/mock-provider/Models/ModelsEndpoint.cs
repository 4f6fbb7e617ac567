using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Models;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>.</summary>
internal static class ModelsEndpoint
{
    // A fixed timestamp: the list is identical on every run.
    private const long Created = 1_700_000_000;

    public static async Task ListAsync(MockExchange exchange)
    {
        var json = MockJson.Render(exchange.State.ModelIds, static (w, ids) =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var id in ids)
            {
                WriteModel(w, id);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
    }

    public static async Task GetAsync(MockExchange exchange, string id)
    {
        if (!exchange.State.ModelIds.Contains(id, StringComparer.Ordinal))
        {
            await exchange.SendErrorAsync(new OpenAiError(StatusCodes.Status404NotFound,
                $"The model '{id}' does not exist or you do not have access to it.", OpenAiError.InvalidRequest, "model", "model_not_found"));
            return;
        }

        var json = MockJson.Render(id, WriteModel);
        await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
    }

    private static void WriteModel(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "model");
        w.WriteNumber("created", Created);
        w.WriteString("owned_by", "aimesh-mock");
        w.WriteEndObject();
    }
}
