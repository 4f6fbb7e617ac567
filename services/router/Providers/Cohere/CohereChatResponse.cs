using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// A whole Cohere v2 chat answer (<c>id</c>, <c>finish_reason</c>, <c>message</c>, <c>usage</c>) as an OpenAI
/// <c>chat.completion</c>: the text parts joined as <c>content</c> (with tool calls and no text, the <c>tool_plan</c>,
/// which is what the model said before calling them), thinking parts as <c>reasoning_content</c>, <c>tool_calls</c> as
/// they are (the same shape), the finish reason by <see cref="CohereFinishReasons"/>, usage by <see cref="CohereUsage"/>.
/// Citations have no place in an OpenAI answer. The id is Cohere's with OpenAI's <c>chatcmpl-</c> prefix; the model is
/// the client's public name. An answer that ended in <c>ERROR</c> is a refusal, not an answer.
/// </summary>
internal static class CohereChatResponse
{
    public static ProviderResponse Read(ProviderCall call, ReadOnlySpan<byte> body, long created)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ProviderJson.Read(body, (call, created), static (state, root) => Read(state.call, root, state.created), ProviderResponse.Invalid);
    }

    private static ProviderResponse Read(ProviderCall call, JsonElement root, long created)
    {
        if (root.ValueKind != JsonValueKind.Object
            || String(root, "finish_reason") is not { } reason
            || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return ProviderResponse.Invalid;
        }

        var usage = CohereUsage.Read(root);
        if (CohereFinishReasons.ToOpenAi(reason) is not { } finish)
        {
            return ProviderResponse.Refused(CohereFinishReasons.Failure(reason), usage);
        }

        StringBuilder? text = null;
        StringBuilder? thinking = null;
        if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                switch (String(part, "type"))
                {
                    case "text" when String(part, "text") is { } piece:
                        (text ??= new()).Append(piece);
                        break;
                    case "thinking" when String(part, "thinking") is { } thought:
                        (thinking ??= new()).Append(thought);
                        break;
                    default:
                        break;
                }
            }
        }

        var calls = message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array
            ? toolCalls.EnumerateArray().ToList()
            : [];
        if (calls.Exists(c => c.ValueKind != JsonValueKind.Object || String(c, "id") is null || !c.TryGetProperty("function", out var f)
            || String(f, "name") is null))
        {
            return ProviderResponse.Invalid;
        }

        var answer = text?.ToString() ?? (calls.Count > 0 ? String(message, "tool_plan") : null);
        var id = String(root, "id") ?? call.RequestId.ToString("N", CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, ProviderJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", "chatcmpl-" + id);
            json.WriteString("object", "chat.completion");
            json.WriteNumber("created", created);
            json.WriteString("model", call.Deployment.Model);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            if (answer is null)
            {
                json.WriteNull("content");
            }
            else
            {
                json.WriteString("content", answer);
            }

            json.WriteNull("refusal");
            if (thinking is not null)
            {
                json.WriteString("reasoning_content", thinking.ToString());
            }

            if (calls.Count > 0)
            {
                json.WriteStartArray("tool_calls");
                foreach (var toolCall in calls)
                {
                    var function = toolCall.GetProperty("function");
                    json.WriteStartObject();
                    json.WriteString("id", String(toolCall, "id"));
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", String(function, "name"));
                    json.WriteString("arguments", String(function, "arguments") ?? "{}");
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteNull("logprobs");
            json.WriteString("finish_reason", finish);
            json.WriteEndObject();
            json.WriteEndArray();
            if (usage is not null)
            {
                OpenAiUsageJson.Write(json, usage);
            }

            json.WriteEndObject();
        }

        return new ProviderResponse(Encoding.UTF8.GetString(buffer.WrittenSpan), usage);
    }

    /// <summary>A string member of <paramref name="parent"/>; null when absent, of another type, or parent is no object.</summary>
    public static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
