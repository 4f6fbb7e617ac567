using System.Text.Json;

namespace AiMesh.MockProvider.Azure;

/// <summary>
/// The annotations Azure OpenAI's content filter adds to OpenAI's answer, as in Azure's documented examples: a
/// <c>prompt_filter_results</c> list for the prompt, a <c>content_filter_results</c> object per choice (every category
/// <c>filtered: false, severity: safe</c>), and in a stream an opening chunk with no choices, an empty id and model and
/// <c>created: 0</c> that carries only the prompt's results.
/// </summary>
internal static class AzureFilterJson
{
    private static readonly string[] Categories = ["hate", "self_harm", "sexual", "violence"];

    public static void WriteContentFilterResults(Utf8JsonWriter w)
    {
        w.WriteStartObject("content_filter_results");
        WriteCategories(w);
        w.WriteEndObject();
    }

    public static void WritePromptFilterResults(Utf8JsonWriter w)
    {
        w.WriteStartArray("prompt_filter_results");
        w.WriteStartObject();
        w.WriteNumber("prompt_index", 0);
        WriteContentFilterResults(w);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    public static void WritePromptFilterChunk(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("choices");
        w.WriteEndArray();
        w.WriteNumber("created", 0);
        w.WriteString("id", "");
        w.WriteString("model", "");
        w.WriteString("object", "");
        WritePromptFilterResults(w);
        w.WriteEndObject();
    }

    /// <summary>The <c>content_filter_result</c> of a refused prompt: the category that matched, filtered at high severity.</summary>
    public static void WriteBlockedResult(Utf8JsonWriter w)
    {
        w.WriteStartObject("content_filter_result");
        foreach (var category in Categories)
        {
            w.WriteStartObject(category);
            w.WriteBoolean("filtered", category == "violence");
            w.WriteString("severity", category == "violence" ? "high" : "safe");
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteCategories(Utf8JsonWriter w)
    {
        foreach (var category in Categories)
        {
            w.WriteStartObject(category);
            w.WriteBoolean("filtered", false);
            w.WriteString("severity", "safe");
            w.WriteEndObject();
        }
    }
}
