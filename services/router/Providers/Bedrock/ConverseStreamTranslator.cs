using System.Text.Json;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// ConverseStream events (as <see cref="EventStreamDecoder"/> names them) as OpenAI chunks: the role goes out as
/// OpenAI's first chunk does, alone (<c>"content": ""</c>) before text, or with the first tool call (<c>"content": null</c>); <c>contentBlockStart</c> with <c>toolUse</c> a tool call's first chunk; <c>contentBlockDelta</c>
/// text or a piece of a tool call's input; <c>messageStop</c> the finish chunk; <c>metadata</c> the usage. The
/// answer is complete only when both <c>messageStop</c> and <c>metadata</c> came (Bedrock sends metadata last, and
/// always): the step for the second is Done, carrying the usage chunk when the client asked for one. Reasoning,
/// citation and other deltas OpenAI's chat format has no place for are skipped. Exception events fail the call
/// with their kind; an event that is not JSON, or a stop reason with no OpenAI meaning, fails it too.
/// </summary>
internal sealed class ConverseStreamTranslator(OpenAiChunkWriter chunks) : IStreamTranslator
{
    private static readonly Action<Utf8JsonWriter, object?> NoDelta = static (_, _) => { };

    private readonly Dictionary<int, int> toolIndexByBlock = [];
    private string? finishReason;
    private bool roleSent;
    private bool metadataSeen;
    private TokenUsage? usage;

    public StreamStep Translate(SseEvent sseEvent)
    {
        if (BedrockErrors.IsError(sseEvent.Type))
        {
            return StreamStep.Failed(BedrockErrors.FromStream(sseEvent.Type, sseEvent.Data));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(sseEvent.Data);
        }
        catch (JsonException)
        {
            return Unreadable();
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unreadable();
            }

            try
            {
                return sseEvent.Type switch
                {
                    "messageStart" => Role(),
                    "contentBlockStart" => BlockStart(root),
                    "contentBlockDelta" => BlockDelta(root),
                    "messageStop" => Stop(root),
                    "metadata" => Metadata(root),
                    // contentBlockStop, and members added after this was written.
                    _ => StreamStep.Skip(),
                };
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
            {
                // A string JSON allows but .NET cannot hold (a lone surrogate escape).
                return Unreadable();
            }
        }
    }

    // The role goes out with what follows (see Send and Delta), as OpenAI's first chunk: it depends on whether text or a tool call comes first.
    private static StreamStep Role() => StreamStep.Skip();

    private StreamStep BlockStart(JsonElement root)
    {
        if (!root.TryGetProperty("start", out var start) || start.ValueKind != JsonValueKind.Object
            || !start.TryGetProperty("toolUse", out var toolUse) || toolUse.ValueKind != JsonValueKind.Object)
        {
            return StreamStep.Skip();
        }

        if (BlockIndex(root) is not { } block || JsonText.Of(toolUse, "toolUseId") is not { } id || JsonText.Of(toolUse, "name") is not { } name)
        {
            return Unreadable();
        }

        var index = toolIndexByBlock.Count;
        toolIndexByBlock[block] = index;
        return StreamStep.Forward(Delta((index, id, name), static (w, tool) =>
        {
            StartToolCall(w, tool.index);
            w.WriteString("id", tool.id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", tool.name);
            w.WriteString("arguments", "");
            EndToolCall(w);
        }));
    }

    private StreamStep BlockDelta(JsonElement root)
    {
        if (!root.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return Unreadable();
        }

        if (delta.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            var value = text.GetString()!;
            return value.Length == 0 ? StreamStep.Skip() : Send(chunks.Delta(value, static (w, content) => w.WriteString("content", content)));
        }

        if (delta.TryGetProperty("toolUse", out var toolUse) && toolUse.ValueKind == JsonValueKind.Object)
        {
            // Input for a block that never started as a tool call cannot be placed in any call.
            if (BlockIndex(root) is not { } block || !toolIndexByBlock.TryGetValue(block, out var index) || JsonText.Of(toolUse, "input") is not { } input)
            {
                return Unreadable();
            }

            return input.Length == 0 ? StreamStep.Skip() : StreamStep.Forward(Delta((index, input), static (w, piece) =>
            {
                StartToolCall(w, piece.index);
                w.WriteStartObject("function");
                w.WriteString("arguments", piece.input);
                EndToolCall(w);
            }));
        }

        // reasoningContent, citation and the like.
        return StreamStep.Skip();
    }

    private StreamStep Stop(JsonElement root)
    {
        var stopReason = JsonText.Of(root, "stopReason");
        finishReason = ConverseStopReason.ToFinishReason(stopReason);
        if (finishReason is null)
        {
            return StreamStep.Failed(new UpstreamError(UnmappedStop(stopReason), null, null));
        }

        // Metadata normally follows; if it came first, this is the end, and its usage chunk follows the finish chunk.
        var pieces = new List<string>(3);
        if (!roleSent)
        {
            roleSent = true;
            pieces.Add(RoleChunk());
        }

        pieces.Add(chunks.Delta<object?>(null, NoDelta, finishReason));
        if (metadataSeen && chunks.IncludeUsage && usage is not null)
        {
            pieces.Add(chunks.Usage(usage));
        }

        var then = pieces.Count > 1 ? pieces[1..] : null;
        return metadataSeen ? StreamStep.Done(usage, pieces[0], then) : StreamStep.Forward(pieces[0], then: then);
    }

    private StreamStep Metadata(JsonElement root)
    {
        metadataSeen = true;
        usage = ConverseUsage.Read(root) ?? usage;
        if (finishReason is null)
        {
            return StreamStep.Skip(usage);
        }

        return StreamStep.Done(usage, chunks.IncludeUsage && usage is not null ? chunks.Usage(usage) : null);
    }

    internal static string UnmappedStop(string? stopReason) =>
        stopReason is not null && stopReason.Length <= 64 && stopReason.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $"The model stopped for a reason the OpenAI format cannot express ({stopReason})."
            : "The model stopped for a reason the OpenAI format cannot express.";

    /// <summary>A chunk of text, after OpenAI's role chunk when it is the answer's first.</summary>
    private StreamStep Send(string chunk)
    {
        if (roleSent)
        {
            return StreamStep.Forward(chunk);
        }

        roleSent = true;
        return StreamStep.Forward(RoleChunk(), then: [chunk]);
    }

    private string RoleChunk() => chunks.Delta<object?>(null, static (w, _) =>
    {
        w.WriteString("role", "assistant");
        w.WriteString("content", "");
        w.WriteNull("refusal");
    });

    /// <summary>
    /// A chunk with one tool-call delta; when the answer starts with the call, it also carries the role, with
    /// <c>"content": null</c> and <c>"refusal": null</c>, as OpenAI's first chunk does.
    /// </summary>
    private string Delta<TState>(TState state, Action<Utf8JsonWriter, TState> writeDelta)
    {
        var withRole = !roleSent;
        roleSent = true;
        return chunks.Delta((withRole, state, writeDelta), static (w, delta) =>
        {
            if (delta.withRole)
            {
                w.WriteString("role", "assistant");
                w.WriteNull("content");
            }

            delta.writeDelta(w, delta.state);
            if (delta.withRole)
            {
                w.WriteNull("refusal");
            }
        });
    }

    /// <summary>Opens the <c>tool_calls</c> member of a delta and its one call, at <paramref name="index"/> among the calls.</summary>
    private static void StartToolCall(Utf8JsonWriter w, int index)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
    }

    /// <summary>Closes the call's <c>function</c> object, the call and <c>tool_calls</c>.</summary>
    private static void EndToolCall(Utf8JsonWriter w)
    {
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static StreamStep Unreadable() =>
        StreamStep.Failed(ProviderJson.UnreadableEvent);

    private static int? BlockIndex(JsonElement root) =>
        root.TryGetProperty("contentBlockIndex", out var index) && index.ValueKind == JsonValueKind.Number && index.TryGetInt32(out var value)
            ? value
            : null;
}
