using AiMesh.MockProvider.Azure;
using System.Text.Json;

namespace AiMesh.MockProvider.Chat;

/// <summary>The <c>chat.completion</c> and <c>chat.completion.chunk</c> objects of OpenAI's chat completions API.</summary>
internal static class ChatCompletionJson
{
    public static void WriteCompletion(Utf8JsonWriter w, (CompletionFrame Frame, Reply Reply) state)
    {
        var (frame, reply) = state;
        w.WriteStartObject();
        w.WriteString("id", frame.Id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", frame.Created);
        w.WriteString("model", frame.Model);
        w.WriteStartArray("choices");
        for (var i = 0; i < frame.Choices; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("index", i);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (reply.IsToolCall)
            {
                w.WriteNull("content");
                w.WriteNull("refusal");
                w.WriteStartArray("tool_calls");
                w.WriteStartObject();
                w.WriteString("id", Reply.ToolCallId);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", reply.ToolName);
                w.WriteString("arguments", reply.Text);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }
            else
            {
                w.WriteString("content", reply.Text);
                w.WriteNull("refusal");
            }

            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", reply.FinishReason);
            if (frame.AzureFilters)
            {
                AzureFilterJson.WriteContentFilterResults(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (frame.SendUsage)
        {
            WriteUsage(w, frame);
        }

        if (frame.AzureFilters)
        {
            AzureFilterJson.WritePromptFilterResults(w);
        }

        w.WriteString("system_fingerprint", CompletionFrame.Fingerprint);
        w.WriteEndObject();
    }

    /// <summary>The first chunk of a choice: the role, and for a tool call the call's id, type and name with empty arguments.</summary>
    public static void WriteRoleChunk(Utf8JsonWriter w, CompletionFrame frame, Reply reply, int index)
    {
        StartChunk(w, frame, index);
        w.WriteString("role", "assistant");
        if (reply.IsToolCall)
        {
            w.WriteNull("content");
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteString("id", Reply.ToolCallId);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", reply.ToolName);
            w.WriteString("arguments", "");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            w.WriteString("content", "");
        }

        w.WriteNull("refusal");
        EndChunk(w, frame, finishReason: null);
    }

    /// <summary>One token of content, or one piece of a tool call's arguments.</summary>
    public static void WritePieceChunk(Utf8JsonWriter w, CompletionFrame frame, Reply reply, int index, string piece)
    {
        StartChunk(w, frame, index);
        if (reply.IsToolCall)
        {
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("function");
            w.WriteString("arguments", piece);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            w.WriteString("content", piece);
        }

        EndChunk(w, frame, finishReason: null);
    }

    public static void WriteFinishChunk(Utf8JsonWriter w, CompletionFrame frame, int index, string finishReason)
    {
        StartChunk(w, frame, index);
        EndChunk(w, frame, finishReason);
    }

    /// <summary>The extra chunk <c>stream_options.include_usage</c> asks for: no choices, only usage.</summary>
    public static void WriteUsageChunk(Utf8JsonWriter w, CompletionFrame frame)
    {
        StartObject(w, frame, "chat.completion.chunk");
        w.WriteStartArray("choices");
        w.WriteEndArray();
        WriteUsage(w, frame);
        w.WriteEndObject();
    }

    private static void StartObject(Utf8JsonWriter w, CompletionFrame frame, string objectType)
    {
        w.WriteStartObject();
        w.WriteString("id", frame.Id);
        w.WriteString("object", objectType);
        w.WriteNumber("created", frame.Created);
        w.WriteString("model", frame.Model);
        w.WriteString("system_fingerprint", CompletionFrame.Fingerprint);
    }

    private static void StartChunk(Utf8JsonWriter w, CompletionFrame frame, int index)
    {
        StartObject(w, frame, "chat.completion.chunk");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
    }

    private static void EndChunk(Utf8JsonWriter w, CompletionFrame frame, string? finishReason)
    {
        w.WriteEndObject();
        w.WriteNull("logprobs");
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }

        if (frame.AzureFilters)
        {
            AzureFilterJson.WriteContentFilterResults(w);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        if (frame.StreamUsage)
        {
            // With include_usage every chunk carries "usage": null except the final usage chunk.
            w.WriteNull("usage");
        }

        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, CompletionFrame frame)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", frame.PromptTokens);
        w.WriteNumber("completion_tokens", frame.CompletionTokens);
        w.WriteNumber("total_tokens", frame.PromptTokens + frame.CompletionTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", 0);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", 0);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
