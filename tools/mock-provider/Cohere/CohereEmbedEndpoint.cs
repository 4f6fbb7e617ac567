using System.Text.Json;
using AiMesh.MockProvider.Embeddings;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Cohere;

/// <summary>
/// <c>POST /v2/embed</c>: <c>{"model","texts","input_type","embedding_types","output_dimension"?}</c> →
/// <c>{"id","embeddings":{"float":[…]},"texts","meta":{"billed_units":{"input_tokens"}},"response_type":"embeddings_by_type"}</c>.
/// As Cohere's v3+ models do, it requires <c>input_type</c> and <c>embedding_types</c>; <c>output_dimension</c> takes
/// embed v4's sizes (256, 512, 1024, 1536); without it the mock's vectors have <see cref="DefaultDimensions"/> numbers.
/// Vectors are the mock's deterministic unit vectors, so one text embeds the same through every API.
/// </summary>
internal static class CohereEmbedEndpoint
{
    public const int DefaultDimensions = 8;

    private static readonly HashSet<string> Known = ["model", "texts", "images", "inputs", "input_type", "embedding_types", "output_dimension", "truncate", "max_tokens"];
    private static readonly HashSet<string> InputTypes = ["search_document", "search_query", "classification", "clustering", "image"];

    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await CohereError.SendAsync(exchange, CohereError.BadRequest("invalid request: the body is not valid JSON."));
            return;
        }

        using (document)
        {
            var (texts, dimensions, error) = Read(document.RootElement);
            if (error is not null)
            {
                await CohereError.SendAsync(exchange, CohereError.BadRequest(error));
                return;
            }

            var json = MockJson.Render((texts!, dimensions), static (w, state) => Write(w, state.Item1, state.dimensions));
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
        }
    }

    private static (string[]? Texts, int Dimensions, string? Error) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, 0, "invalid request: the body must be a JSON object.");
        }

        if (root.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !Known.Contains(name)) is { } unknown)
        {
            return (null, 0, $"invalid request: unknown field: parameter {unknown} is not a valid field");
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            return (null, 0, "invalid request: model must be specified.");
        }

        if (!root.TryGetProperty("texts", out var texts) || texts.ValueKind != JsonValueKind.Array || texts.GetArrayLength() is 0 or > 96
            || texts.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            return (null, 0, "invalid request: texts must be a list of 1 to 96 strings.");
        }

        if (!root.TryGetProperty("input_type", out var inputType) || inputType.ValueKind != JsonValueKind.String || !InputTypes.Contains(inputType.GetString()!))
        {
            return (null, 0, "invalid request: valid input_type must be provided with the provided model");
        }

        if (!root.TryGetProperty("embedding_types", out var types) || types.ValueKind != JsonValueKind.Array
            || !types.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == "float"))
        {
            return (null, 0, "invalid request: embedding_types must include float for this mock.");
        }

        var dimensions = DefaultDimensions;
        if (root.TryGetProperty("output_dimension", out var size) && (!size.TryGetInt32(out dimensions) || dimensions is not (256 or 512 or 1024 or 1536)))
        {
            return (null, 0, "invalid request: output_dimension must be one of 256, 512, 1024, 1536.");
        }

        return ([.. texts.EnumerateArray().Select(t => t.GetString()!)], dimensions, null);
    }

    private static void Write(Utf8JsonWriter w, string[] texts, int dimensions)
    {
        var vector = new float[dimensions];
        var tokens = 0;
        w.WriteStartObject();
        w.WriteString("id", "mock-embed-cohere");
        w.WriteStartObject("embeddings");
        w.WriteStartArray("float");
        foreach (var text in texts)
        {
            var input = EmbeddingsRequestReader.FromText(text);
            tokens += input.Tokens;
            EmbeddingVectors.Fill(input.Seed, vector);
            w.WriteStartArray();
            foreach (var value in vector)
            {
                w.WriteNumberValue(value);
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("texts");
        foreach (var text in texts)
        {
            w.WriteStringValue(text);
        }

        w.WriteEndArray();
        w.WriteStartObject("meta");
        w.WriteStartObject("api_version");
        w.WriteString("version", "2");
        w.WriteEndObject();
        w.WriteStartObject("billed_units");
        w.WriteNumber("input_tokens", tokens);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("response_type", "embeddings_by_type");
        w.WriteEndObject();
    }
}
