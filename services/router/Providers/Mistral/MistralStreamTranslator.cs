using System.Text.Json;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral's stream (<c>data: {chat.completion.chunk}</c> events ending in <c>data: [DONE]</c>) as OpenAI's:
/// <list type="bullet">
/// <item>Each chunk's choices as OpenAI deltas (<see cref="OpenAiChunkWriter"/>): <c>role</c> on a choice's first delta
/// (added when Mistral left it out), <c>content</c>, <c>reasoning_content</c> from thinking chunks, tool calls. Mistral
/// sends a tool call whole in one delta; it becomes OpenAI's first delta of that call (index, id, type, name and all
/// the arguments). Tool call indexes count per choice from 0.</item>
/// <item>Finish reasons mapped by <see cref="MistralFinishReasons"/>; <c>error</c> or an unknown reason fails the call.</item>
/// <item>Usage comes on the last chunk with the finish reason; the client that asked for it gets OpenAI's separate
/// usage chunk (no choices) at <c>[DONE]</c>, the end.</item>
/// <item>An error object in the stream (<c>"object":"error"</c>, or no choices and a <c>message</c>/<c>error</c>) fails
/// the call with its kind (<see cref="MistralErrors"/>); an event that is not JSON fails it as unreadable.</item>
/// </list>
/// </summary>
internal sealed class MistralStreamTranslator(ProviderCall call, long now) : IStreamTranslator
{
    private static readonly UpstreamError Unreadable = new("The provider sent a stream event the router could not read.", null, null);

    private readonly OpenAiChunkWriter chunks = new(call.ClientIncludeUsage);
    private readonly Dictionary<int, ChoiceState> choices = [];
    private TokenUsage? usage;

    public StreamStep Translate(SseEvent sseEvent)
    {
        if (sseEvent.Data.AsSpan().Trim().SequenceEqual("[DONE]"))
        {
            return StreamStep.Done(usage, chunks.IncludeUsage && chunks.Started && usage is not null ? chunks.Usage(usage) : null);
        }

        return ProviderJson.Read(System.Text.Encoding.UTF8.GetBytes(sseEvent.Data), this, static (self, root) => self.Translate(root), StreamStep.Failed(Unreadable));
    }

    private StreamStep Translate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return StreamStep.Failed(Unreadable);
        }

        var hasChoices = root.TryGetProperty("choices", out var list) && list.ValueKind == JsonValueKind.Array;
        if (MistralToolCallJson.String(root, "object") == "error" || (!hasChoices && (root.TryGetProperty("error", out _) || root.TryGetProperty("message", out _))))
        {
            return StreamStep.Failed(MistralErrors.Read(root));
        }

        usage = OpenAiUsage.Read(root) ?? usage;
        if (!hasChoices || list.GetArrayLength() == 0)
        {
            return StreamStep.Skip(usage);
        }

        foreach (var choice in list.EnumerateArray())
        {
            if (choice.ValueKind != JsonValueKind.Object)
            {
                return StreamStep.Failed(Unreadable);
            }

            if (MistralToolCallJson.String(choice, "finish_reason") is { } reason && MistralFinishReasons.ToOpenAi(reason) is null)
            {
                return StreamStep.Failed(MistralFinishReasons.Failure(reason));
            }
        }

        if (!chunks.Started)
        {
            chunks.Start(MistralChatResponse.CompletionId(MistralToolCallJson.String(root, "id")), MistralChatResponse.Created(root, now), call.Deployment.Model);
        }

        return StreamStep.Forward(chunks.Choices((this, list), static (writer, state) => state.Item1.WriteChoices(writer, state.list)), usage);
    }

    private void WriteChoices(Utf8JsonWriter writer, JsonElement list)
    {
        var position = 0;
        foreach (var choice in list.EnumerateArray())
        {
            var index = choice.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : position;
            position++;
            if (!choices.TryGetValue(index, out var state))
            {
                choices[index] = state = new ChoiceState();
            }

            var delta = choice.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            OpenAiChunkWriter.WriteChoice(writer, index, (state, delta), static (w, s) => WriteDelta(w, s.state, s.delta),
                MistralFinishReasons.ToOpenAi(MistralToolCallJson.String(choice, "finish_reason")));
        }
    }

    private static void WriteDelta(Utf8JsonWriter writer, ChoiceState state, JsonElement delta)
    {
        if (!state.Started)
        {
            state.Started = true;
            writer.WriteString("role", "assistant");
        }

        if (delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (delta.TryGetProperty("content", out var content))
        {
            var (text, reasoning) = MistralContent.Read(content);
            if (text is not null)
            {
                writer.WriteString("content", text);
            }

            if (reasoning is not null)
            {
                writer.WriteString("reasoning_content", reasoning);
            }
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var toolCall in calls.EnumerateArray())
            {
                MistralToolCallJson.Write(writer, toolCall, state.IndexOf(toolCall));
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>What one choice has streamed so far.</summary>
    private sealed class ChoiceState
    {
        private readonly Dictionary<string, int> indexes = new(StringComparer.Ordinal);
        private int last = -1;

        public bool Started { get; set; }

        /// <summary>A call with an id not seen before is the next call; a piece without an id continues the last one.</summary>
        public int IndexOf(JsonElement toolCall)
        {
            if (toolCall.ValueKind == JsonValueKind.Object && MistralToolCallJson.String(toolCall, "id") is { } id)
            {
                if (!indexes.TryGetValue(id, out var known))
                {
                    known = indexes.Count;
                    indexes[id] = known;
                }

                last = known;
                return known;
            }

            return Math.Max(last, 0);
        }
    }
}
