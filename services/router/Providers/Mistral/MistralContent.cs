using System.Text;
using System.Text.Json;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral's assistant <c>content</c>: a string, or (reasoning models, references) an array of chunks: <c>text</c>
/// chunks are the answer; <c>thinking</c> chunks (<c>{"type":"thinking","thinking":[{"type":"text","text"}]}</c>)
/// are the reasoning, given to OpenAI clients as <c>reasoning_content</c>, as the router does for Claude's thinking.
/// Other chunk kinds carry nothing an OpenAI message can hold and are left out.
/// </summary>
internal static class MistralContent
{
    /// <returns>The answer text and the reasoning text; null where there is none.</returns>
    public static (string? Text, string? Reasoning) Read(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return (content.GetString(), null);
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return (null, null);
        }

        StringBuilder? text = null;
        StringBuilder? reasoning = null;
        foreach (var chunk in content.EnumerateArray())
        {
            switch (Type(chunk))
            {
                case "text":
                    Append(ref text, chunk, "text");
                    break;
                case "thinking" when chunk.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Array:
                    foreach (var part in thinking.EnumerateArray())
                    {
                        if (Type(part) == "text")
                        {
                            Append(ref reasoning, part, "text");
                        }
                    }

                    break;
                default:
                    break;
            }
        }

        return (text?.ToString(), reasoning?.ToString());
    }

    private static string? Type(JsonElement chunk) =>
        chunk.ValueKind == JsonValueKind.Object && chunk.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;

    private static void Append(ref StringBuilder? builder, JsonElement chunk, string member)
    {
        if (chunk.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String)
        {
            (builder ??= new StringBuilder()).Append(value.GetString());
        }
    }
}
