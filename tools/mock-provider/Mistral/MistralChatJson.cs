using System.Text.Json;
using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Mistral;

/// <summary>
/// Mistral's chat completion and its chunks, as in Mistral's API reference: no <c>system_fingerprint</c>, no
/// <c>logprobs</c>; a tool call <c>{"id":"MockCall1","type":"function","function":{"name","arguments"},"index":0}</c>
/// whole in the answer (with <c>"content": ""</c>), and in a stream whole in one delta (without <c>type</c>); a stream's
/// finish reason on the chunk with a choice's last content (or tool call), as Mistral sends it; usage
/// (<c>prompt_tokens</c>, <c>total_tokens</c>, <c>completion_tokens</c>) on the whole answer and on the stream's last
/// chunk, the one with the finish reason.
/// </summary>
internal static class MistralChatJson
{
    public const string ToolCallId = "MockCall1";

    public static void WriteCompletion(Utf8JsonWriter w, (CompletionFrame Frame, Reply Reply) state)
    {
        var (frame, reply) = state;
        StartObject(w, frame, "chat.completion");
        w.WriteStartArray("choices");
        for (var i = 0; i < frame.Choices; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("index", i);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (reply.IsToolCall)
            {
                w.WriteString("content", "");
                WriteToolCalls(w, reply, withType: true);
            }
            else
            {
                w.WriteString("content", reply.Text);
                w.WriteNull("tool_calls");
            }

            w.WriteEndObject();
            w.WriteString("finish_reason", reply.FinishReason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (frame.SendUsage)
        {
            WriteUsage(w, frame);
        }

        w.WriteEndObject();
    }

    public static void WriteRoleChunk(Utf8JsonWriter w, CompletionFrame frame, int index)
    {
        StartChunk(w, frame, index);
        w.WriteString("role", "assistant");
        w.WriteString("content", "");
        EndChunk(w, frame, null);
    }

    /// <param name="finishReason">On a choice's last content, as Mistral sends it; null before.</param>
    /// <param name="last">The stream's last event, which carries the usage.</param>
    public static void WritePieceChunk(Utf8JsonWriter w, CompletionFrame frame, Reply reply, int index, string piece, string? finishReason, bool last)
    {
        StartChunk(w, frame, index);
        if (reply.IsToolCall)
        {
            w.WriteString("content", "");
            WriteToolCalls(w, reply, withType: false);
        }
        else
        {
            w.WriteString("content", piece);
        }

        EndChunk(w, frame, finishReason, last && frame.SendUsage);
    }

    /// <summary>The finish of an answer without content: an empty content and the reason.</summary>
    public static void WriteFinishChunk(Utf8JsonWriter w, CompletionFrame frame, int index, string finishReason, bool last)
    {
        StartChunk(w, frame, index);
        w.WriteString("content", "");
        EndChunk(w, frame, finishReason, last && frame.SendUsage);
    }

    private static void WriteToolCalls(Utf8JsonWriter w, Reply reply, bool withType)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteString("id", ToolCallId);
        if (withType)
        {
            w.WriteString("type", "function");
        }

        w.WriteStartObject("function");
        w.WriteString("name", reply.ToolName);
        w.WriteString("arguments", reply.Text);
        w.WriteEndObject();
        w.WriteNumber("index", 0);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void StartObject(Utf8JsonWriter w, CompletionFrame frame, string objectType)
    {
        w.WriteStartObject();
        w.WriteString("id", frame.Id);
        w.WriteString("object", objectType);
        w.WriteNumber("created", frame.Created);
        w.WriteString("model", frame.Model);
    }

    private static void StartChunk(Utf8JsonWriter w, CompletionFrame frame, int index)
    {
        StartObject(w, frame, "chat.completion.chunk");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
    }

    private static void EndChunk(Utf8JsonWriter w, CompletionFrame frame, string? finishReason, bool usage = false)
    {
        w.WriteEndObject();
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        if (usage)
        {
            WriteUsage(w, frame);
        }

        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, CompletionFrame frame)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", frame.PromptTokens);
        w.WriteNumber("total_tokens", frame.PromptTokens + frame.CompletionTokens);
        w.WriteNumber("completion_tokens", frame.CompletionTokens);
        w.WriteEndObject();
    }
}
