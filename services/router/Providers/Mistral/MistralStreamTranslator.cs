using System.Text.Json;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Mistral;

/// <summary>
/// Mistral's stream (<c>data: {chat.completion.chunk}</c> events ending in <c>data: [DONE]</c>) as OpenAI's, chunk for
/// chunk as OpenAI sends them (one Mistral event may mean several OpenAI chunks, sent in order):
/// <list type="bullet">
/// <item>The role goes out with a choice's first content, as OpenAI's first chunk: alone
/// (<c>"role":"assistant","content":"","refusal":null</c>) before text, or together with the first tool call's header
/// (<c>"content":null</c>). Mistral's own first event (the role and an empty content) means nothing yet: a tool call may
/// follow it.</item>
/// <item>Text as <c>content</c>, thinking chunks as <c>reasoning_content</c>; empty content is not sent.</item>
/// <item>Mistral sends a tool call whole in one delta; it becomes OpenAI's header chunk (index, id, type, name, empty
/// arguments) and then one chunk with the arguments. Tool call indexes count per choice from 0; a piece without an id
/// continues the last call.</item>
/// <item>Mistral puts the finish reason (<see cref="MistralFinishReasons"/>) on the event with the last content; it
/// becomes OpenAI's own finish chunk (empty delta) after that content. <c>error</c> or an unknown reason fails the call.</item>
/// <item>Usage comes on the finishing event; the client that asked for it gets OpenAI's separate usage chunk (no
/// choices) at <c>[DONE]</c>, the end.</item>
/// <item>An error object in the stream (<c>"object":"error"</c>, or no choices and a <c>message</c>/<c>error</c>) fails
/// the call with its kind (<see cref="MistralErrors"/>); an event that is not JSON, or a tool call with neither an id
/// nor one before it, fails it as unreadable.</item>
/// </list>
/// </summary>
internal sealed class MistralStreamTranslator(ProviderCall call, long now) : IStreamTranslator
{
    private static readonly UpstreamError Unreadable = new("The provider sent a stream event the router could not read.", null, null);

    private static readonly Action<Utf8JsonWriter, int> NoDelta = static (_, _) => { };

    private static readonly Action<Utf8JsonWriter, int> RoleDelta = static (json, _) =>
    {
        json.WriteString("role", "assistant");
        json.WriteString("content", "");
        json.WriteNull("refusal");
    };

    private readonly OpenAiChunkWriter chunks = new(call.ClientIncludeUsage);
    private readonly Dictionary<int, ChoiceState> choices = [];

    // The OpenAI chunks of the event being translated, reused from event to event.
    private readonly List<string> pending = [];
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

        pending.Clear();
        var position = 0;
        foreach (var choice in list.EnumerateArray())
        {
            if (!TranslateChoice(choice, position++))
            {
                return StreamStep.Failed(Unreadable);
            }
        }

        return pending.Count switch
        {
            0 => StreamStep.Skip(usage),
            1 => StreamStep.Forward(pending[0], usage),
            _ => StreamStep.Forward(pending[0], usage, pending[1..]),
        };
    }

    /// <returns>False when the choice cannot be read.</returns>
    private bool TranslateChoice(JsonElement choice, int position)
    {
        var index = choice.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : position;
        if (!choices.TryGetValue(index, out var state))
        {
            choices[index] = state = new ChoiceState();
        }

        var delta = choice.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var (text, reasoning) = delta.ValueKind == JsonValueKind.Object && delta.TryGetProperty("content", out var content)
            ? MistralContent.Read(content)
            : (null, null);
        if (!string.IsNullOrEmpty(reasoning))
        {
            Role(index, state);
            Add(index, reasoning, static (json, value) => json.WriteString("reasoning_content", value));
        }

        if (!string.IsNullOrEmpty(text))
        {
            Role(index, state);
            Add(index, text, static (json, value) => json.WriteString("content", value));
        }

        if (delta.ValueKind == JsonValueKind.Object && delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var toolCall in calls.EnumerateArray())
            {
                if (!ToolCall(index, state, toolCall))
                {
                    return false;
                }
            }
        }

        if (MistralFinishReasons.ToOpenAi(MistralToolCallJson.String(choice, "finish_reason")) is { } finish)
        {
            // An answer with nothing in it still starts with the role, as OpenAI's does.
            Role(index, state);
            Add(index, 0, NoDelta, finish);
        }

        return true;
    }

    /// <summary>A tool call (or a piece of one): the header for a call not seen before, then its arguments, if any.</summary>
    private bool ToolCall(int choice, ChoiceState state, JsonElement toolCall)
    {
        if (toolCall.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var function = toolCall.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var id = MistralToolCallJson.String(toolCall, "id");
        if (state.IndexOf(id) is not { } position)
        {
            return false;
        }

        if (position.IsNew)
        {
            if (function.ValueKind != JsonValueKind.Object || MistralToolCallJson.String(function, "name") is not { } name)
            {
                return false;
            }

            var header = (withRole: !state.Started, position.Index, id: id!, name);
            state.Started = true;
            Add(choice, header, static (json, call) => OpenAiToolCallDeltas.WriteHeader(json, call.Index, call.id, call.name, call.withRole));
        }

        var arguments = function.ValueKind == JsonValueKind.Object ? MistralToolCallJson.Arguments(function) : "";
        if (arguments.Length > 0)
        {
            Add(choice, (position.Index, arguments), static (json, piece) => OpenAiToolCallDeltas.WriteArguments(json, piece.Index, piece.arguments));
        }

        return true;
    }

    /// <summary>The role chunk, before a choice's first content.</summary>
    private void Role(int choice, ChoiceState state)
    {
        if (!state.Started)
        {
            state.Started = true;
            Add(choice, 0, RoleDelta);
        }
    }

    private void Add<TState>(int choice, TState state, Action<Utf8JsonWriter, TState> writeDelta, string? finishReason = null) =>
        pending.Add(chunks.Choices((choice, state, writeDelta, finishReason),
            static (json, c) => OpenAiChunkWriter.WriteChoice(json, c.choice, c.state, c.writeDelta, c.finishReason)));

    /// <summary>What one choice has streamed so far.</summary>
    private sealed class ChoiceState
    {
        private readonly Dictionary<string, int> indexes = new(StringComparer.Ordinal);
        private int last = -1;

        /// <summary>Whether the role has gone out.</summary>
        public bool Started { get; set; }

        /// <summary>
        /// A call with an id not seen before is the next call (new); a piece without an id continues the last one; null
        /// for a piece without an id before any call.
        /// </summary>
        public (int Index, bool IsNew)? IndexOf(string? id)
        {
            if (id is null)
            {
                return last < 0 ? null : (last, false);
            }

            var isNew = !indexes.TryGetValue(id, out var known);
            if (isNew)
            {
                known = indexes.Count;
                indexes[id] = known;
            }

            last = known;
            return (known, isNew);
        }
    }
}
