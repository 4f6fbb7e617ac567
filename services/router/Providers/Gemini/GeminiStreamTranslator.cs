using System.Buffers;
using System.Text;
using System.Text.Json;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Turns <c>streamGenerateContent?alt=sse</c> events, each a whole <c>GenerateContentResponse</c> holding the next
/// piece of every candidate, into OpenAI chunks: one chunk per event, the role on a choice's first delta, text as
/// <c>content</c>, each function call as one <c>tool_calls</c> delta (Gemini sends a call whole: id, name and all
/// arguments at once). The answer is complete when an event carries a finish reason and every candidate seen has
/// finished: that event's chunk is sent with the <c>Done</c> step, with the usage on it when the client asked (the
/// last chunk may hold choices as well as usage). A stream that ends before that is truncated, which the transport reports.
/// </summary>
internal sealed class GeminiStreamTranslator(ProviderCall call, long created) : IStreamTranslator
{
    private readonly HashSet<int> started = [];
    private readonly HashSet<int> finished = [];
    private readonly Dictionary<int, int> callCounts = [];
    private readonly string id = GeminiChatResponse.CompletionId(call.RequestId);

    public StreamStep Translate(SseEvent sseEvent)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(sseEvent.Data);
        }
        catch (JsonException)
        {
            return StreamStep.Failed(Unreadable());
        }

        using (document)
        {
            try
            {
                return Translate(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // A string that is not text (a lone surrogate escape) fails on reading, before any state changes.
                return StreamStep.Failed(Unreadable());
            }
        }
    }

    private StreamStep Translate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return StreamStep.Failed(Unreadable());
        }

        if (root.TryGetProperty("error", out var error))
        {
            return StreamStep.Failed(GeminiErrors.Read(error));
        }

        var usage = GeminiUsage.Read(root);
        var candidates = GeminiCandidate.ReadAll(root);
        if (candidates.Count == 0)
        {
            return GeminiChatResponse.BlockReason(root) is { } blocked
                ? StreamStep.Failed(GeminiChatResponse.Blocked(blocked))
                : StreamStep.Skip(usage);
        }

        candidates.Sort((a, b) => a.Index.CompareTo(b.Index));
        var finishes = new string?[candidates.Count];
        var anyFinish = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (candidate.FinishReason is not { } reason || finished.Contains(candidate.Index))
            {
                continue;
            }

            var calledTools = candidate.Calls.Count > 0 || callCounts.GetValueOrDefault(candidate.Index) > 0;
            finishes[i] = GeminiFinishReasons.ToOpenAi(reason, calledTools);
            if (finishes[i] is null)
            {
                return StreamStep.Failed(GeminiFinishReasons.Failure(reason));
            }

            anyFinish = true;
        }

        var seen = new HashSet<int>(started);
        var ended = new HashSet<int>(finished);
        for (var i = 0; i < candidates.Count; i++)
        {
            seen.Add(candidates[i].Index);
            if (finishes[i] is not null)
            {
                ended.Add(candidates[i].Index);
            }
        }

        var done = anyFinish && seen.IsSubsetOf(ended);
        var chunk = Chunk(candidates, finishes, usage, done, out var forwarded);
        started.UnionWith(seen);
        finished.UnionWith(ended);

        if (done)
        {
            return StreamStep.Done(usage, chunk);
        }

        return forwarded ? StreamStep.Forward(chunk, usage) : StreamStep.Skip(usage);
    }

    /// <param name="forwarded">Whether the chunk says anything (a role, text, a call or a finish).</param>
    /// <param name="last">Whether this is the stream's last chunk, the one that carries the usage.</param>
    private string Chunk(List<GeminiCandidate> candidates, string?[] finishes, TokenUsage? usage, bool last, out bool forwarded)
    {
        forwarded = false;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, GeminiJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("object", "chat.completion.chunk");
            writer.WriteNumber("created", created);
            writer.WriteString("model", call.Deployment.Model);
            writer.WriteStartArray("choices");
            for (var i = 0; i < candidates.Count; i++)
            {
                var candidate = candidates[i];
                var first = !started.Contains(candidate.Index);
                if (finished.Contains(candidate.Index) || (!first && candidate.Text is null && candidate.Calls.Count == 0 && finishes[i] is null))
                {
                    continue;
                }

                WriteChoice(writer, candidate, first, finishes[i]);
                forwarded = true;
            }

            writer.WriteEndArray();

            // With include_usage OpenAI sends "usage" on every chunk: null until the last one.
            if (call.ClientIncludeUsage)
            {
                if (last && usage is not null)
                {
                    OpenAiUsageJson.Write(writer, GeminiUsage.Shown(usage));
                }
                else
                {
                    writer.WriteNull("usage");
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteChoice(Utf8JsonWriter writer, GeminiCandidate candidate, bool first, string? finish)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", candidate.Index);
        writer.WriteStartObject("delta");
        if (first)
        {
            writer.WriteString("role", "assistant");
        }

        if (candidate.Text is not null)
        {
            writer.WriteString("content", candidate.Text);
        }
        else if (first)
        {
            writer.WriteNull("content");
        }

        if (candidate.Calls.Count > 0)
        {
            var ordinal = callCounts.GetValueOrDefault(candidate.Index);
            writer.WriteStartArray("tool_calls");
            foreach (var functionCall in candidate.Calls)
            {
                functionCall.WriteToolCall(writer, call.RequestId, candidate.Index, ordinal++, index: true);
            }

            writer.WriteEndArray();
            callCounts[candidate.Index] = ordinal;
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finish is null)
        {
            writer.WriteNull("finish_reason");
        }
        else
        {
            writer.WriteString("finish_reason", finish);
        }

        writer.WriteEndObject();
    }

    private static UpstreamError Unreadable() => new("The provider sent a stream event the router could not read.", null, null);
}
