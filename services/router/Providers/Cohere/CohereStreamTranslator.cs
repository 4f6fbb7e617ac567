using System.Globalization;
using System.Text.Json;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Cohere;

/// <summary>
/// Cohere v2 chat stream events (each names its <c>type</c>, also the SSE event name) as OpenAI chunks, shaped as
/// OpenAI sends them:
/// <list type="bullet">
/// <item><c>message-start</c>: the answer's id. The role goes out with what follows, as OpenAI's first chunk: alone
/// (<c>"role":"assistant","content":"","refusal":null</c>) before text, or together with the first tool call
/// (<c>"content":null</c>).</item>
/// <item><c>content-start</c> / <c>content-delta</c>: text as <c>content</c>, thinking as <c>reasoning_content</c>;
/// <c>tool-plan-delta</c>: the plan the model says before calling tools, as <c>content</c>.</item>
/// <item><c>tool-call-start</c>: the call's header (index, id, type, name, empty arguments); <c>tool-call-delta</c>: a
/// piece of its arguments, with the same index (OpenAI's, counting the calls from 0).</item>
/// <item><c>message-end</c>: the finish chunk (<see cref="CohereFinishReasons"/>) and, when the client asked for usage,
/// the usage chunk; the answer is complete. A finish reason with no OpenAI meaning fails the call instead: Cohere ends a
/// stream that failed upstream with <c>finish_reason: "ERROR"</c> and the error's text, whose kind
/// <see cref="CohereErrors"/> recognizes.</item>
/// <item><c>content-end</c>, <c>tool-call-end</c>, citations, <c>debug</c> and event types Cohere adds later: nothing for the client.</item>
/// </list>
/// An event that is not JSON, an error event, or content before <c>message-start</c> fails the call.
/// </summary>
internal sealed class CohereStreamTranslator(ProviderCall call, long created) : IStreamTranslator
{
    private static readonly Action<Utf8JsonWriter, int> NoDelta = static (_, _) => { };

    private readonly OpenAiChunkWriter chunks = new(call.ClientIncludeUsage);
    private readonly Dictionary<int, int> toolIndexByCall = [];
    private bool rolePending;

    public StreamStep Translate(SseEvent sseEvent) =>
        ProviderJson.TranslateEvent(sseEvent, this, static (translator, root, type) => translator.Translate(root, type));

    private StreamStep Translate(JsonElement root, string eventType)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        var type = CohereChatResponse.String(root, "type") ?? eventType;
        switch (type)
        {
            case "error":
                return StreamStep.Failed(CohereErrors.Read(root));
            case "message-start":
                return MessageStart(root);
            case "content-start" or "content-delta" or "tool-plan-delta" or "tool-call-start" or "tool-call-delta" or "message-end" when !chunks.Started:
                return StreamStep.Failed(ProviderJson.UnreadableEvent);
            case "content-start" or "content-delta":
                return Content(Message(root));
            case "tool-plan-delta":
                return Message(root) is { } planned && CohereChatResponse.String(planned, "tool_plan") is { Length: > 0 } plan ? Text(plan) : StreamStep.Skip();
            case "tool-call-start":
                return ToolCallStart(root);
            case "tool-call-delta":
                return ToolCallDelta(root);
            case "message-end":
                return MessageEnd(root);
            default:
                return StreamStep.Skip();
        }
    }

    private StreamStep MessageStart(JsonElement root)
    {
        if (chunks.Started)
        {
            return StreamStep.Skip();
        }

        var id = CohereChatResponse.String(root, "id") ?? call.RequestId.ToString("N", CultureInfo.InvariantCulture);
        chunks.Start("chatcmpl-" + id, created, call.Deployment.Model);
        rolePending = true;
        return StreamStep.Skip();
    }

    /// <summary>A <c>content-start</c> or <c>content-delta</c>: <c>delta.message.content</c> with <c>text</c> or <c>thinking</c>.</summary>
    private StreamStep Content(JsonElement? message)
    {
        if (Object(message, "content") is not { } content)
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        if (CohereChatResponse.String(content, "text") is { } text)
        {
            return text.Length > 0 ? Text(text) : StreamStep.Skip();
        }

        if (CohereChatResponse.String(content, "thinking") is { Length: > 0 } thought)
        {
            return Send(chunks.Delta(thought, static (json, value) => json.WriteString("reasoning_content", value)));
        }

        return StreamStep.Skip();
    }

    private StreamStep Text(string text) => Send(chunks.Delta(text, static (json, value) => json.WriteString("content", value)));

    private StreamStep ToolCallStart(JsonElement root)
    {
        if (Index(root) is not { } index
            || Object(Message(root), "tool_calls") is not { } toolCall
            || CohereChatResponse.String(toolCall, "id") is not { } id
            || Object(toolCall, "function") is not { } function
            || CohereChatResponse.String(function, "name") is not { } name
            || !toolIndexByCall.TryAdd(index, toolIndexByCall.Count))
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        var header = (withRole: rolePending, index: toolIndexByCall[index], id, name);
        rolePending = false;
        var chunk = chunks.Delta(header, static (json, call) => OpenAiToolCallDeltas.WriteHeader(json, call.index, call.id, call.name, call.withRole));
        var arguments = CohereChatResponse.String(function, "arguments");
        return string.IsNullOrEmpty(arguments)
            ? StreamStep.Forward(chunk)
            : StreamStep.Forward(chunk, then: [Arguments(header.index, arguments)]);
    }

    private StreamStep ToolCallDelta(JsonElement root)
    {
        if (Index(root) is not { } index || !toolIndexByCall.TryGetValue(index, out var toolIndex)
            || Object(Object(Message(root), "tool_calls"), "function") is not { } function
            || CohereChatResponse.String(function, "arguments") is not { } arguments)
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        return arguments.Length == 0 ? StreamStep.Skip() : StreamStep.Forward(Arguments(toolIndex, arguments));
    }

    private string Arguments(int toolIndex, string arguments) =>
        chunks.Delta((toolIndex, arguments), static (json, piece) => OpenAiToolCallDeltas.WriteArguments(json, piece.toolIndex, piece.arguments));

    private StreamStep MessageEnd(JsonElement root)
    {
        if (Object(root, "delta") is not { } delta || CohereChatResponse.String(delta, "finish_reason") is not { } reason)
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
        }

        if (CohereFinishReasons.ToOpenAi(reason) is not { } finish)
        {
            return StreamStep.Failed(CohereFinishReasons.Failure(reason, CohereChatResponse.String(delta, "error")));
        }

        var usage = CohereUsage.Read(delta);
        var pieces = new List<string>(3);
        if (rolePending)
        {
            pieces.Add(RoleChunk());
            rolePending = false;
        }

        pieces.Add(chunks.Delta(0, NoDelta, finish));
        if (chunks.IncludeUsage && usage is not null)
        {
            pieces.Add(chunks.Usage(usage));
        }

        return StreamStep.Done(usage, pieces[0], pieces.Count > 1 ? pieces[1..] : null);
    }

    /// <summary>A chunk for the client, after the role chunk when the role has not gone out yet.</summary>
    private StreamStep Send(string chunk)
    {
        if (!rolePending)
        {
            return StreamStep.Forward(chunk);
        }

        rolePending = false;
        return StreamStep.Forward(RoleChunk(), then: [chunk]);
    }

    private string RoleChunk() => chunks.Delta(0, static (json, _) =>
    {
        json.WriteString("role", "assistant");
        json.WriteString("content", "");
        json.WriteNull("refusal");
    });

    /// <summary><c>delta.message</c> of an event; null when it has none.</summary>
    private static JsonElement? Message(JsonElement root) => Object(Object(root, "delta"), "message");

    /// <summary>The object member <paramref name="name"/> of <paramref name="parent"/>; null when either is not an object.</summary>
    private static JsonElement? Object(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } found && found.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    private static int? Index(JsonElement root) =>
        root.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number && index.TryGetInt32(out var value) ? value : null;
}
