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
    private readonly OpenAiChunkWriter chunks = StartChunks(call, created);

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
        for (var i = 0; i < candidates.Count && !forwarded; i++)
        {
            forwarded = Shows(candidates[i], finishes[i]);
        }

        return chunks.Choices((translator: this, candidates, finishes), static (writer, chunk) =>
        {
            for (var i = 0; i < chunk.candidates.Count; i++)
            {
                if (chunk.translator.Shows(chunk.candidates[i], chunk.finishes[i]))
                {
                    chunk.translator.WriteChoice(writer, chunk.candidates[i], chunk.finishes[i]);
                }
            }
        }, last && usage is not null ? GeminiUsage.Shown(usage) : null);
    }

    /// <summary>Whether a candidate has a choice in this chunk: not once it finished, and only with something new to say.</summary>
    private bool Shows(GeminiCandidate candidate, string? finish) =>
        !finished.Contains(candidate.Index)
        && (!started.Contains(candidate.Index) || candidate.Text is not null || candidate.Calls.Count > 0 || finish is not null);

    private void WriteChoice(Utf8JsonWriter writer, GeminiCandidate candidate, string? finish) =>
        OpenAiChunkWriter.WriteChoice(writer, candidate.Index, (translator: this, candidate), static (delta, choice) =>
            choice.translator.WriteDelta(delta, choice.candidate), finish);

    private void WriteDelta(Utf8JsonWriter writer, GeminiCandidate candidate)
    {
        var first = !started.Contains(candidate.Index);
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
    }

    private static OpenAiChunkWriter StartChunks(ProviderCall call, long created)
    {
        var chunks = new OpenAiChunkWriter(call.ClientIncludeUsage);
        chunks.Start(GeminiChatResponse.CompletionId(call.RequestId), created, call.Deployment.Model);
        return chunks;
    }

    private static UpstreamError Unreadable() => new("The provider sent a stream event the router could not read.", null, null);
}
