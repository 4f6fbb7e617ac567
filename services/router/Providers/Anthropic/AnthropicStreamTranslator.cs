using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Anthropic;

/// <summary>
/// Anthropic's stream events as OpenAI chunks, one event at a time:
/// <list type="bullet">
/// <item><c>message_start</c>: the input usage. The role goes out as OpenAI's first chunk does: alone
/// (<c>"role":"assistant","content":"","refusal":null</c>) before text or thinking, or with the first tool call
/// (<c>"content": null</c>) when the answer starts with one.</item>
/// <item>text: <c>text_delta</c> as <c>content</c>.</item>
/// <item>tool use: <c>content_block_start</c> as the call's header (index, id, type, name, empty arguments), each
/// <c>input_json_delta</c> as an arguments delta with the same index; the index counts tool calls (0, 1, …), not
/// content blocks, as OpenAI's does.</item>
/// <item>thinking: <c>thinking_delta</c> as <c>reasoning_content</c>; when the block ends, one chunk with
/// <c>thinking_blocks: [{type, thinking, signature}]</c> (or <c>redacted_thinking</c> with its <c>data</c>), which a
/// client sends back on the assistant message to keep thinking across tool calls. Signatures are kept, not shown
/// piecemeal: only the complete signature means anything.</item>
/// <item><c>message_delta</c>: the finish chunk (its <c>stop_reason</c> mapped by <see cref="AnthropicStopReasons"/>)
/// and the final usage; <c>message_stop</c>: done, after the usage chunk when the client asked for one.</item>
/// <item><c>ping</c>, citations, server-tool blocks and event types Anthropic adds later: nothing for the client.</item>
/// <item><c>error</c>: the call fails with the error's kind (<see cref="AnthropicErrors"/>).</item>
/// </list>
/// With <c>response_format</c> (<see cref="AnthropicJsonMode"/>) the forced tool's input streams as <c>content</c>.
/// An event that is not JSON, or content before <c>message_start</c>, fails the call: the stream cannot be trusted.
/// </summary>
internal sealed class AnthropicStreamTranslator(ProviderCall call, long created) : IStreamTranslator
{

    private readonly OpenAiChunkWriter chunks = new(call.ClientIncludeUsage);
    private readonly string? jsonTool = AnthropicJsonMode.ToolName(call.Body);
    // Longer events take the general path; an event this size is far beyond one token's delta.
    private const int MaxFastEventChars = 8 * 1024;

    private readonly Dictionary<int, Block> blocks = [];
    private int toolCalls;
    private bool rolePending;
    private bool answeredWithJsonTool;
    private AnthropicUsage? usage;

    private enum BlockKind
    {
        Text,
        ToolUse,
        JsonTool,
        Thinking,
        RedactedThinking,
        Other,
    }

    public StreamStep Translate(SseEvent sseEvent) =>
        chunks.Started && TryTextDelta(sseEvent, out var fast)
            ? fast
            : ProviderJson.TranslateEvent(sseEvent, this, static (translator, root, type) => translator.Translate(root, type));

    private StreamStep Translate(JsonElement root, string eventType)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
            ? typeElement.GetString()
            : eventType;
        switch (type)
        {
            case "error":
                return StreamStep.Failed(AnthropicErrors.Read(root));
            case "message_start":
                return MessageStart(root);
            case "ping":
                return StreamStep.Skip();
            default:
                break;
        }

        if (!chunks.Started)
        {
            return type is "content_block_start" or "content_block_delta" or "content_block_stop" or "message_delta" or "message_stop"
                ? StreamStep.Failed(ProviderJson.UnreadableEvent)
                : StreamStep.Skip();
        }

        return type switch
        {
            "content_block_start" => BlockStart(root),
            "content_block_delta" => BlockDelta(root),
            "content_block_stop" => BlockStop(root),
            "message_delta" => MessageDelta(root),
            "message_stop" => MessageStop(),
            _ => StreamStep.Skip(),
        };
    }

    private StreamStep MessageStart(JsonElement root)
    {
        if (chunks.Started)
        {
            return StreamStep.Skip();
        }

        if (!root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        var id = message.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? idElement.GetString()
            : null;
        chunks.Start("chatcmpl-" + (id ?? call.RequestId.ToString("N", CultureInfo.InvariantCulture)), created, call.Deployment.Model);
        usage = AnthropicUsage.Read(message);
        rolePending = true;
        return StreamStep.Skip(usage?.ToTokenUsage());
    }

    private StreamStep BlockStart(JsonElement root)
    {
        if (!TryIndex(root, out var index)
            || !root.TryGetProperty("content_block", out var block)
            || block.ValueKind != JsonValueKind.Object
            || !TryString(block, "type", out var typeElement))
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        switch (typeElement.GetString())
        {
            case "text":
                blocks[index] = new Block(BlockKind.Text);
                return TryString(block, "text", out var text) && !IsEmpty(text) ? Content(text) : StreamStep.Skip();
            case "tool_use":
                if (!TryString(block, "id", out var id) || !TryString(block, "name", out var name))
                {
                    return StreamStep.Failed(ProviderJson.UnreadableEvent);
                }

                if (jsonTool is not null && name.ValueEquals(jsonTool))
                {
                    blocks[index] = new Block(BlockKind.JsonTool);
                    answeredWithJsonTool = true;
                    return StreamStep.Skip();
                }

                var toolIndex = toolCalls++;
                blocks[index] = new Block(BlockKind.ToolUse) { ToolIndex = toolIndex };
                var withRole = rolePending;
                rolePending = false;
                return StreamStep.Forward(chunks.Delta((toolIndex, id, name, withRole), static (json, header) =>
                {
                    if (header.withRole)
                    {
                        json.WriteString("role", "assistant");
                        json.WriteNull("content");
                    }

                    json.WriteStartArray("tool_calls");
                    json.WriteStartObject();
                    json.WriteNumber("index", header.toolIndex);
                    json.WritePropertyName("id");
                    header.id.WriteTo(json);
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WritePropertyName("name");
                    header.name.WriteTo(json);
                    json.WriteString("arguments", "");
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndArray();
                    if (header.withRole)
                    {
                        json.WriteNull("refusal");
                    }
                }));
            case "thinking":
                var thinking = new Block(BlockKind.Thinking);
                blocks[index] = thinking;
                if (TryString(block, "signature", out var signature))
                {
                    thinking.Signature.Append(signature.GetString());
                }

                return TryString(block, "thinking", out var thought) && !IsEmpty(thought) ? Reasoning(thinking, thought) : StreamStep.Skip();
            case "redacted_thinking":
                blocks[index] = new Block(BlockKind.RedactedThinking)
                {
                    Data = TryString(block, "data", out var data) ? data.GetString() : null,
                };
                return StreamStep.Skip();
            default:
                // Server tools and their results (web search, code execution) have no OpenAI counterpart.
                blocks[index] = new Block(BlockKind.Other);
                return StreamStep.Skip();
        }
    }

    private StreamStep BlockDelta(JsonElement root)
    {
        if (!TryIndex(root, out var index)
            || !blocks.TryGetValue(index, out var block)
            || !root.TryGetProperty("delta", out var delta)
            || delta.ValueKind != JsonValueKind.Object
            || !TryString(delta, "type", out var typeElement))
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        switch (typeElement.GetString())
        {
            case "text_delta":
                if (!TryString(delta, "text", out var text))
                {
                    return StreamStep.Failed(ProviderJson.UnreadableEvent);
                }

                return !IsEmpty(text) ? Content(text) : StreamStep.Skip();
            case "input_json_delta":
                // The first delta of a tool's input often carries no text at all.
                if (!delta.TryGetProperty("partial_json", out var partial))
                {
                    return StreamStep.Skip();
                }

                if (partial.ValueKind != JsonValueKind.String)
                {
                    return StreamStep.Failed(ProviderJson.UnreadableEvent);
                }

                if (IsEmpty(partial))
                {
                    return StreamStep.Skip();
                }

                return block.Kind switch
                {
                    BlockKind.JsonTool => Content(partial),
                    BlockKind.ToolUse => StreamStep.Forward(chunks.Delta((block.ToolIndex, partial), static (json, piece) =>
                    {
                        json.WriteStartArray("tool_calls");
                        json.WriteStartObject();
                        json.WriteNumber("index", piece.ToolIndex);
                        json.WriteStartObject("function");
                        json.WritePropertyName("arguments");
                        piece.partial.WriteTo(json);
                        json.WriteEndObject();
                        json.WriteEndObject();
                        json.WriteEndArray();
                    })),
                    _ => StreamStep.Skip(),
                };
            case "thinking_delta":
                if (!TryString(delta, "thinking", out var thought))
                {
                    return StreamStep.Failed(ProviderJson.UnreadableEvent);
                }

                return !IsEmpty(thought) ? Reasoning(block, thought) : StreamStep.Skip();
            case "signature_delta":
                if (TryString(delta, "signature", out var signature))
                {
                    block.Signature.Append(signature.GetString());
                }

                return StreamStep.Skip();
            default:
                return StreamStep.Skip();
        }
    }

    private StreamStep BlockStop(JsonElement root)
    {
        if (!TryIndex(root, out var index) || !blocks.Remove(index, out var block))
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        return block.Kind switch
        {
            BlockKind.Thinking when block.Signature.Length > 0 => Send(chunks.Delta(block, static (json, thinking) =>
            {
                json.WriteStartArray("thinking_blocks");
                json.WriteStartObject();
                json.WriteString("type", "thinking");
                json.WriteString("thinking", thinking.Thinking.ToString());
                json.WriteString("signature", thinking.Signature.ToString());
                json.WriteEndObject();
                json.WriteEndArray();
            })),
            BlockKind.RedactedThinking when block.Data is not null => Send(chunks.Delta(block.Data, static (json, data) =>
            {
                json.WriteStartArray("thinking_blocks");
                json.WriteStartObject();
                json.WriteString("type", "redacted_thinking");
                json.WriteString("data", data);
                json.WriteEndObject();
                json.WriteEndArray();
            })),
            _ => StreamStep.Skip(),
        };
    }

    private StreamStep MessageDelta(JsonElement root)
    {
        usage = AnthropicUsage.Merge(usage, AnthropicUsage.Read(root));
        if (!root.TryGetProperty("delta", out var delta)
            || delta.ValueKind != JsonValueKind.Object
            || !TryString(delta, "stop_reason", out var stopReason))
        {
            return StreamStep.Skip(usage?.ToTokenUsage());
        }

        var reason = stopReason.GetString()!;
        var finish = answeredWithJsonTool && reason == AnthropicStopReasons.ToolUse ? "stop" : AnthropicStopReasons.ToFinishReason(reason);
        var matched = reason == AnthropicStopReasons.StopSequence && TryString(delta, "stop_sequence", out var sequence) ? sequence.GetString() : null;
        return Send(chunks.Delta(0, static (_, _) => { }, finish, stopSequence: matched), usage?.ToTokenUsage());
    }

    /// <summary>The end: the usage chunk when the client asked, after the role chunk if nothing else said it.</summary>
    private StreamStep MessageStop()
    {
        var pieces = new List<string>(2);
        if (rolePending)
        {
            rolePending = false;
            pieces.Add(RoleChunk());
        }

        if (call.ClientIncludeUsage && usage is { } final)
        {
            pieces.Add(chunks.Usage(final.ToTokenUsage()));
        }

        return StreamStep.Done(usage?.ToTokenUsage(), pieces.Count > 0 ? pieces[0] : null, pieces.Count > 1 ? pieces[1..] : null);
    }

    private StreamStep Content(JsonElement text) =>
        Send(chunks.Delta(text, static (json, value) =>
        {
            json.WritePropertyName("content");
            value.WriteTo(json);
        }));

    private StreamStep Reasoning(Block block, JsonElement thought)
    {
        block.Thinking.Append(thought.GetString());
        return Send(chunks.Delta(thought, static (json, value) =>
        {
            json.WritePropertyName("reasoning_content");
            value.WriteTo(json);
        }));
    }

    /// <summary>A chunk for the client, after OpenAI's role chunk when the role has not gone out yet.</summary>
    private StreamStep Send(string chunk, TokenUsage? stepUsage = null)
    {
        if (!rolePending)
        {
            return StreamStep.Forward(chunk, stepUsage);
        }

        rolePending = false;
        return StreamStep.Forward(RoleChunk(), stepUsage, [chunk]);
    }

    private string RoleChunk() => chunks.Delta(0, static (json, _) =>
    {
        json.WriteString("role", "assistant");
        json.WriteString("content", "");
        json.WriteNull("refusal");
    });

    /// <summary>
    /// The fast path for the event almost every chunk of an answer is: <c>{"type":"content_block_delta","index":N,
    /// "delta":{"type":"text_delta","text":"..."}}</c>, read with one forward pass instead of a parsed document (which
    /// was most of this translator's CPU). Anything else about the event — another member, a repeated one, an escaped
    /// text, a block it does not know — leaves it to the general path, which decides exactly as before.
    /// </summary>
    private bool TryTextDelta(SseEvent sseEvent, out StreamStep step)
    {
        step = default;
        var data = sseEvent.Data;
        if (sseEvent.Type != "content_block_delta" || data.Length > MaxFastEventChars)
        {
            return false;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(data.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(data, bytes);
            var reader = new Utf8JsonReader(bytes.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var index = -1;
            var seen = 0;
            (int Start, int Length) text = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8) && (seen & 1) == 0)
                {
                    seen |= 1;
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("content_block_delta"u8))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("index"u8) && (seen & 2) == 0)
                {
                    seen |= 2;
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out index))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("delta"u8) && (seen & 4) == 0)
                {
                    seen |= 4;
                    if (!TryReadTextDelta(ref reader, out text))
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || seen != 7 || text.Length == 0 || !blocks.ContainsKey(index))
            {
                return false;
            }

            step = Send(chunks.Delta((bytes, text.Start, text.Length), static (json, value) =>
                json.WriteString("content"u8, value.bytes.AsSpan(value.Start, value.Length))));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Reads <c>{"type":"text_delta","text":"..."}</c>; the text's position in the buffer when it needs no unescaping.</summary>
    private static bool TryReadTextDelta(ref Utf8JsonReader reader, out (int Start, int Length) text)
    {
        text = default;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8) && (seen & 1) == 0)
            {
                seen |= 1;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("text_delta"u8))
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("text"u8) && (seen & 2) == 0)
            {
                seen |= 2;
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
                {
                    return false;
                }

                text = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
            }
            else
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && seen == 3;
    }

    private static bool TryIndex(JsonElement root, out int index)
    {
        index = 0;
        return root.TryGetProperty("index", out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out index);
    }

    private static bool IsEmpty(JsonElement text) => text.ValueEquals(""u8);

    private static bool TryString(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.String;

    /// <summary>One content block of the answer, by its Anthropic index, while it streams.</summary>
    private sealed class Block(BlockKind kind)
    {
        public BlockKind Kind { get; } = kind;

        public int ToolIndex { get; init; }

        public string? Data { get; init; }

        public StringBuilder Thinking => field ??= new();

        public StringBuilder Signature => field ??= new();
    }
}
