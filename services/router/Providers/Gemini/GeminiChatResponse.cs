using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// A whole <c>GenerateContentResponse</c> as an OpenAI <c>chat.completion</c>: one choice per candidate, text as
/// <c>content</c>, function calls as <c>tool_calls</c>, the finish reason mapped, usage with cached and reasoning
/// tokens. A blocked prompt (<c>promptFeedback.blockReason</c>, no candidates) is a content-filter refusal.
/// </summary>
internal static class GeminiChatResponse
{
    public static ProviderResponse Read(ProviderCall call, ReadOnlySpan<byte> body, long created)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ProviderJson.Read(body, (call, created), static (state, root) => Read(state.call, root, state.created), ProviderResponse.Invalid);
    }

    private static ProviderResponse Read(ProviderCall call, JsonElement root, long created)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ProviderResponse.Invalid;
        }

        var usage = GeminiUsage.Read(root);
        var candidates = GeminiCandidate.ReadAll(root);
        if (candidates.Count == 0)
        {
            return BlockReason(root) is { } blocked ? ProviderResponse.Refused(Blocked(blocked), usage) : ProviderResponse.Invalid;
        }

        candidates.Sort((a, b) => a.Index.CompareTo(b.Index));
        var finishes = new string[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            var reason = candidates[i].FinishReason;
            if (reason is null)
            {
                // A whole answer always says why it ended; one that does not is not complete.
                return ProviderResponse.Invalid;
            }

            if (GeminiFinishReasons.ToOpenAi(reason, candidates[i].Calls.Count > 0) is not { } finish)
            {
                return ProviderResponse.Refused(GeminiFinishReasons.Failure(reason), usage);
            }

            finishes[i] = finish;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, ProviderJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", CompletionId(call.RequestId));
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", created);
            writer.WriteString("model", call.Deployment.Model);
            writer.WriteStartArray("choices");
            for (var i = 0; i < candidates.Count; i++)
            {
                WriteChoice(writer, call.RequestId, candidates[i], finishes[i]);
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

    /// <summary>The same id for a call's whole answer and every chunk of its stream.</summary>
    public static string CompletionId(Guid requestId) => "chatcmpl-" + requestId.ToString("N");

    /// <summary><c>promptFeedback.blockReason</c>, or null when the prompt was not blocked.</summary>
    public static string? BlockReason(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("promptFeedback", out var feedback)
            ? GeminiJson.String(feedback, "blockReason")
            : null;

    public static UpstreamError Blocked(string reason) => new(
        $"The provider blocked the prompt ({(reason.Length <= 48 ? reason : reason[..48])}).", "content_filter", null, UpstreamErrorKind.ContentFiltered);

    private static void WriteChoice(Utf8JsonWriter writer, Guid requestId, GeminiCandidate candidate, string finish)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", candidate.Index);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        if (candidate.Text is null)
        {
            writer.WriteNull("content");
        }
        else
        {
            writer.WriteString("content", candidate.Text);
        }

        writer.WriteNull("refusal");
        if (candidate.Calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            for (var i = 0; i < candidate.Calls.Count; i++)
            {
                candidate.Calls[i].WriteToolCall(writer, requestId, candidate.Index, i, index: false);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", finish);
        writer.WriteEndObject();
    }
}
