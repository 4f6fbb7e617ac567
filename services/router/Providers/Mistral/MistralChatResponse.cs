using System.Buffers;
using System.Text;
using System.Text.Json;
using AiMesh.Router.Providers.OpenAi;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral's chat completion as OpenAI's: its id (prefixed <c>chatcmpl-</c> as OpenAI's are), <c>created</c>, the
/// client's public model name, each choice's message (text, null when the message is only tool calls;
/// <c>reasoning_content</c> from thinking chunks; tool calls with <c>type</c> and string arguments),
/// <c>logprobs: null</c>, the finish reason (<see cref="MistralFinishReasons"/>) and usage. A choice whose finish reason
/// has no OpenAI meaning fails the whole answer.
/// </summary>
internal static class MistralChatResponse
{
    public static ProviderResponse Read(ProviderCall call, ReadOnlySpan<byte> body, long now) =>
        ProviderJson.Read(body, (call.Deployment.Model, now), static (state, root) => Read(root, state.Model, state.now), ProviderResponse.Invalid);

    /// <summary>The answer id OpenAI clients see, from Mistral's.</summary>
    public static string CompletionId(string? id) =>
        id is null ? "chatcmpl-mistral" : id.StartsWith("chatcmpl-", StringComparison.Ordinal) ? id : "chatcmpl-" + id;

    public static long Created(JsonElement root, long now) =>
        root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds) ? seconds : now;

    private static ProviderResponse Read(JsonElement root, string model, long now)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return ProviderResponse.Invalid;
        }

        var usage = OpenAiUsage.Read(root);
        foreach (var choice in choices.EnumerateArray())
        {
            var reason = choice.ValueKind == JsonValueKind.Object ? MistralToolCallJson.String(choice, "finish_reason") : null;
            if (MistralFinishReasons.ToOpenAi(reason) is null)
            {
                return ProviderResponse.Refused(MistralFinishReasons.Failure(reason), usage);
            }
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, ProviderJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", CompletionId(MistralToolCallJson.String(root, "id")));
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", Created(root, now));
            writer.WriteString("model", model);
            writer.WriteStartArray("choices");
            var position = 0;
            foreach (var choice in choices.EnumerateArray())
            {
                WriteChoice(writer, choice, position++);
            }

            writer.WriteEndArray();
            if (usage is not null)
            {
                OpenAiUsageJson.Write(writer, usage);
            }

            writer.WriteEndObject();
        }

        return new ProviderResponse(Encoding.UTF8.GetString(buffer.WrittenSpan), usage);
    }

    private static void WriteChoice(Utf8JsonWriter writer, JsonElement choice, int position)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", choice.TryGetProperty("index", out var index) && index.TryGetInt32(out var number) ? number : position);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        var message = choice.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var (text, reasoning) = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content)
            ? MistralContent.Read(content)
            : (null, null);
        var calls = message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("tool_calls", out var c) && c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0
            ? c
            : default;

        // Mistral answers a tool call with "content": ""; OpenAI's content is null when the message is only tool calls.
        writer.WriteString("content", calls.ValueKind == JsonValueKind.Array && string.IsNullOrEmpty(text) ? null : text);
        writer.WriteNull("refusal");
        if (reasoning is not null)
        {
            writer.WriteString("reasoning_content", reasoning);
        }

        if (calls.ValueKind == JsonValueKind.Array)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in calls.EnumerateArray())
            {
                MistralToolCallJson.Write(writer, call);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", MistralFinishReasons.ToOpenAi(MistralToolCallJson.String(choice, "finish_reason")));
        writer.WriteEndObject();
    }
}
