using System.Buffers;
using System.Text;
using System.Text.Json;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// The mesh's streamed answer (OpenAI <c>chat.completion.chunk</c>s) as Anthropic's event sequence, one chunk at a
/// time. One instance per exchange; pure (no I/O, no clock), so every sequence is tested chunk by chunk.
/// <list type="bullet">
/// <item>The first chunk opens the message: <c>message_start</c> (id <c>msg_…</c>, the client's model, empty content,
/// zero usage: OpenAI reports usage only at the end, so the counts come in <c>message_delta</c>).</item>
/// <item>Content arrives as blocks, each <c>content_block_start</c> … <c>content_block_delta</c>* …
/// <c>content_block_stop</c> with its own index (0, 1, …): <c>reasoning_content</c> is a thinking block
/// (<c>thinking_delta</c>); the mesh's <c>thinking_blocks</c> chunk, sent when a thinking block ends, adds its
/// <c>signature_delta</c> and closes it (a redacted block comes whole); <c>content</c> (or <c>refusal</c>) is a text
/// block (<c>text_delta</c>); each tool call is a <c>tool_use</c> block whose argument pieces are
/// <c>input_json_delta</c>s. A block closes when content of another kind, another tool call or the finish arrives.</item>
/// <item><c>finish_reason</c> closes the open block and is kept; the usage chunk after it is kept; only when the mesh
/// says the answer is complete (<see cref="End"/> without an error) do <c>message_delta</c> (stop reason, usage) and
/// <c>message_stop</c> follow.</item>
/// <item>Truncation is never completion: a failed stream, a stream that ends without a finish reason, or a chunk
/// that cannot be read or expressed (a tool call resumed after another began) ends with one <c>error</c> event and
/// nothing after it — never a <c>message_delta</c> or <c>message_stop</c>.</item>
/// </list>
/// </summary>
internal sealed class AnthropicStreamTranslator
{
    public static readonly AnthropicEvent Ping = new("ping", """{"type":"ping"}""");

    private readonly List<AnthropicEvent> _events = [];
    private readonly HashSet<int> _toolCalls = [];
    private bool _started;
    private bool _ended;
    private int _nextIndex;
    private BlockKind _open;
    private int _openTool;
    private string? _stopReason;
    private string? _stopSequence;
    private AnthropicUsage _usage;

    private enum BlockKind
    {
        None,
        Text,
        Thinking,
        RedactedThinking,
        ToolUse,
    }

    /// <summary>The model the client asked for, named in <c>message_start</c> (else the one the chunks name).</summary>
    public string? Model { get; set; }

    /// <summary>True once the stream ended, completed or in an error; later input is ignored.</summary>
    public bool Ended => _ended;

    /// <summary>The events one chunk of the mesh's stream becomes (possibly none).</summary>
    public IReadOnlyList<AnthropicEvent> Translate(string chunk)
    {
        _events.Clear();
        if (_ended)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(chunk);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Fail("The answer stream held a chunk the gateway could not read.");
            }

            Chunk(document.RootElement);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return Fail("The answer stream held a chunk the gateway could not read.");
        }

        return [.. _events];
    }

    /// <summary>
    /// The end of the stream: with <paramref name="error"/> null the mesh says the answer is complete, so the message
    /// is finished (if a finish reason came); otherwise one <c>error</c> event.
    /// </summary>
    public IReadOnlyList<AnthropicEvent> End(ApiError? error)
    {
        _events.Clear();
        if (_ended)
        {
            return [];
        }

        if (error is not null)
        {
            return Fail(error);
        }

        if (_stopReason is null)
        {
            return Fail("The answer stream ended without a stop reason; the answer may be incomplete.");
        }

        _ended = true;
        Close();
        Add("message_delta", json =>
        {
            json.WriteString("type", "message_delta");
            json.WriteStartObject("delta");
            json.WriteString("stop_reason", _stopReason);
            if (_stopSequence is null)
            {
                json.WriteNull("stop_sequence");
            }
            else
            {
                json.WriteString("stop_sequence", _stopSequence);
            }

            json.WriteEndObject();
            _usage.Write(json);
        });
        Add("message_stop", json => json.WriteString("type", "message_stop"));
        return [.. _events];
    }

    private void Chunk(JsonElement chunk)
    {
        if (!_started)
        {
            _started = true;
            var id = AnthropicAnswerNames.MessageId(AnthropicAnswerNames.String(chunk, "id"));
            var model = Model ?? AnthropicAnswerNames.String(chunk, "model");
            Add("message_start", json =>
            {
                json.WriteString("type", "message_start");
                json.WriteStartObject("message");
                json.WriteString("id", id);
                json.WriteString("type", "message");
                json.WriteString("role", "assistant");
                json.WriteString("model", model);
                json.WriteStartArray("content");
                json.WriteEndArray();
                json.WriteNull("stop_reason");
                json.WriteNull("stop_sequence");
                default(AnthropicUsage).Write(json);
                json.WriteEndObject();
            });
        }

        if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            _usage = AnthropicUsage.Read(usage);
        }

        if (!chunk.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            Delta(delta);
        }

        if (!_ended && AnthropicAnswerNames.String(choice, "finish_reason") is { } finish)
        {
            Close();
            _stopSequence = finish == "stop" ? AnthropicAnswerNames.StopSequence(choice) : null;
            _stopReason = AnthropicAnswerNames.StopReason(finish, _stopSequence);
        }
    }

    private void Delta(JsonElement delta)
    {
        if (AnthropicAnswerNames.String(delta, "reasoning_content") is { Length: > 0 } thought)
        {
            Open(BlockKind.Thinking);
            BlockDelta("thinking_delta", "thinking", thought);
        }

        if (delta.TryGetProperty("thinking_blocks", out var thinking) && thinking.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in thinking.EnumerateArray())
            {
                ThinkingBlock(block);
            }
        }

        if ((AnthropicAnswerNames.String(delta, "content") ?? AnthropicAnswerNames.String(delta, "refusal")) is { Length: > 0 } text)
        {
            Open(BlockKind.Text);
            BlockDelta("text_delta", "text", text);
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (_ended)
                {
                    return;
                }

                ToolCall(call);
            }
        }
    }

    private void ThinkingBlock(JsonElement block)
    {
        switch (AnthropicAnswerNames.String(block, "type"))
        {
            case "thinking":
                if (_open != BlockKind.Thinking)
                {
                    Open(BlockKind.Thinking);
                    if (AnthropicAnswerNames.String(block, "thinking") is { Length: > 0 } whole)
                    {
                        BlockDelta("thinking_delta", "thinking", whole);
                    }
                }

                if (AnthropicAnswerNames.String(block, "signature") is { Length: > 0 } signature)
                {
                    BlockDelta("signature_delta", "signature", signature);
                }

                Close();
                break;
            case "redacted_thinking":
                var data = AnthropicAnswerNames.String(block, "data") ?? "";
                Start(BlockKind.RedactedThinking, json =>
                {
                    json.WriteString("type", "redacted_thinking");
                    json.WriteString("data", data);
                });
                Close();
                break;
            default:
                break;
        }
    }

    private void ToolCall(JsonElement call)
    {
        var toolIndex = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : 0;
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        if (_open != BlockKind.ToolUse || _openTool != toolIndex)
        {
            if (!_toolCalls.Add(toolIndex))
            {
                // Anthropic's blocks never resume once another began; a provider interleaving calls cannot be relayed.
                Fail("The answer stream interleaved tool calls, which the Messages API cannot express.");
                return;
            }

            _openTool = toolIndex;
            var id = AnthropicAnswerNames.String(call, "id") ?? $"toolu_{toolIndex}";
            var name = AnthropicAnswerNames.String(function, "name") ?? "";
            Start(BlockKind.ToolUse, json =>
            {
                json.WriteString("type", "tool_use");
                json.WriteString("id", id);
                json.WriteString("name", name);
                json.WriteStartObject("input");
                json.WriteEndObject();
            });
        }

        if (AnthropicAnswerNames.String(function, "arguments") is { Length: > 0 } arguments)
        {
            BlockDelta("input_json_delta", "partial_json", arguments);
        }
    }

    private void Open(BlockKind kind)
    {
        if (_open == kind)
        {
            return;
        }

        Start(kind, json =>
        {
            if (kind == BlockKind.Text)
            {
                json.WriteString("type", "text");
                json.WriteString("text", "");
            }
            else
            {
                json.WriteString("type", "thinking");
                json.WriteString("thinking", "");
                json.WriteString("signature", "");
            }
        });
    }

    /// <summary>Closes the open block and starts the next, whose <c>content_block</c> members <paramref name="block"/> writes.</summary>
    private void Start(BlockKind kind, Action<Utf8JsonWriter> block)
    {
        Close();
        _open = kind;
        Add("content_block_start", json =>
        {
            json.WriteString("type", "content_block_start");
            json.WriteNumber("index", _nextIndex);
            json.WriteStartObject("content_block");
            block(json);
            json.WriteEndObject();
        });
    }

    private void BlockDelta(string type, string member, string value) => Add("content_block_delta", json =>
    {
        json.WriteString("type", "content_block_delta");
        json.WriteNumber("index", _nextIndex);
        json.WriteStartObject("delta");
        json.WriteString("type", type);
        json.WriteString(member, value);
        json.WriteEndObject();
    });

    private void Close()
    {
        if (_open == BlockKind.None)
        {
            return;
        }

        Add("content_block_stop", json =>
        {
            json.WriteString("type", "content_block_stop");
            json.WriteNumber("index", _nextIndex);
        });
        _open = BlockKind.None;
        _nextIndex++;
    }

    private IReadOnlyList<AnthropicEvent> Fail(string message) =>
        Fail(new ApiError(502, "api_error", "stream_untranslatable", message));

    private IReadOnlyList<AnthropicEvent> Fail(ApiError error)
    {
        _ended = true;
        _events.Add(new AnthropicEvent("error", Encoding.UTF8.GetString(AnthropicErrors.Body(error, requestId: null))));
        return [.. _events];
    }

    private void Add(string name, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, AnthropicJsonWriting.Options))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        _events.Add(new AnthropicEvent(name, Encoding.UTF8.GetString(buffer.WrittenSpan)));
    }
}
