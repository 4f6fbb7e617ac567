using System.Buffers;
using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// Writes the <c>chat.completion.chunk</c> objects of one stream exactly as OpenAI shapes them: the same id,
/// created and model on every chunk, one choice (index 0) with a delta and <c>finish_reason</c>, and
/// <c>"usage": null</c> on each when the client asked for usage, whose own chunk then has no choices.
/// </summary>
internal sealed class ChatChunkWriter(string id, long created, string model, bool clientIncludeUsage)
{
    private readonly ArrayBufferWriter<byte> buffer = new(512);

    public bool ClientIncludeUsage => clientIncludeUsage;

    /// <summary>Whether a chunk with the role went out; the first chunk with a delta always carries it.</summary>
    public bool RoleSent { get; private set; }

    public string Role() => Chunk(static w => w.WriteString("content", ""));

    public string Content(string text) => Chunk(w => w.WriteString("content", text));

    /// <summary>The first chunk of a tool call: its index among the calls, id, type and name, no arguments yet.</summary>
    public string ToolStart(int index, string toolUseId, string name) => Chunk(w => ToolCall(w, index, call =>
    {
        call.WriteString("id", toolUseId);
        call.WriteString("type", "function");
        call.WriteStartObject("function");
        call.WriteString("name", name);
        call.WriteString("arguments", "");
        call.WriteEndObject();
    }));

    public string ToolArguments(int index, string arguments) => Chunk(w => ToolCall(w, index, call =>
    {
        call.WriteStartObject("function");
        call.WriteString("arguments", arguments);
        call.WriteEndObject();
    }));

    /// <param name="usage">Only when the usage can no longer come in a chunk of its own (it came before the stop).</param>
    public string Finish(string finishReason, TokenUsage? usage = null) => Write(w =>
    {
        Choice(w, static _ => { }, finishReason);
        if (usage is not null)
        {
            OpenAiUsageJson.Write(w, usage);
        }
        else if (clientIncludeUsage)
        {
            w.WriteNull("usage");
        }
    });

    /// <summary>The chunk <c>stream_options.include_usage</c> asks for: no choices, only usage.</summary>
    public string Usage(TokenUsage usage) => Write(w =>
    {
        w.WriteStartArray("choices");
        w.WriteEndArray();
        OpenAiUsageJson.Write(w, usage);
    });

    private string Chunk(Action<Utf8JsonWriter> delta)
    {
        var withRole = !RoleSent;
        RoleSent = true;
        return Write(w =>
        {
            Choice(w, d =>
            {
                if (withRole)
                {
                    d.WriteString("role", "assistant");
                }

                delta(d);
            }, null);
            if (clientIncludeUsage)
            {
                w.WriteNull("usage");
            }
        });
    }

    private static void Choice(Utf8JsonWriter w, Action<Utf8JsonWriter> delta, string? finishReason)
    {
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        delta(w);
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

        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void ToolCall(Utf8JsonWriter w, int index, Action<Utf8JsonWriter> members)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        members(w);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private string Write(Action<Utf8JsonWriter> body)
    {
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer, JsonText.WriterOptions))
        {
            w.WriteStartObject();
            JsonText.WriteChatHeader(w, id, "chat.completion.chunk", created, model);
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
