using System.Text.Json;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Turns <c>streamGenerateContent?alt=sse</c> events, each a whole <c>GenerateContentResponse</c> holding the next
/// piece of every candidate, into OpenAI chunks shaped as OpenAI sends them: a choice's role in a chunk of its own
/// (<c>"content":""</c>) before its first text, or on its first tool call's header (<c>"content":null</c>); text as
/// <c>content</c>; each function call as a <c>tool_calls</c> header (id, name, empty arguments) and then its arguments
/// in a chunk of their own (Gemini sends a call whole); finish reasons in a chunk of their own; the usage in a last one
/// when the client asked. The answer is complete when an event carries a finish reason and every candidate seen has
/// finished: that event's chunks go with the <c>Done</c> step. A stream that ends before that is truncated, which the
/// transport reports.
/// </summary>
internal sealed class GeminiStreamTranslator(ProviderCall call, long created) : IStreamTranslator
{
    private readonly HashSet<int> started = [];
    private readonly HashSet<int> finished = [];
    private readonly Dictionary<int, int> callCounts = [];
    private readonly List<(int Candidate, int Ordinal, string Arguments)> arguments = [];
    private readonly OpenAiChunkWriter chunks = StartChunks(call, created);

    public StreamStep Translate(SseEvent sseEvent) =>
        ProviderJson.TranslateEvent(sseEvent, this, static (translator, root, _) => translator.Translate(root));

    private StreamStep Translate(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return StreamStep.Failed(ProviderJson.UnreadableEvent);
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
        var pieces = new List<string>(4);
        var opening = candidates.FindAll(c => Says(c) && !started.Contains(c.Index) && c.Text is not null);
        if (opening.Count > 0)
        {
            // OpenAI's first chunk of a choice that starts with text is the role alone; the text follows in the next.
            pieces.Add(Roles(opening));
            started.UnionWith(opening.Select(c => c.Index));
        }

        if (candidates.Exists(Says))
        {
            pieces.Add(Deltas(candidates));
            if (arguments.Count > 0)
            {
                pieces.Add(Arguments());
            }
        }

        if (anyFinish)
        {
            pieces.Add(Finishes(candidates, finishes));
        }

        started.UnionWith(seen);
        finished.UnionWith(ended);
        if (done && chunks.IncludeUsage && usage is not null)
        {
            pieces.Add(chunks.Usage(usage));
        }

        if (pieces.Count == 0)
        {
            return StreamStep.Skip(usage);
        }

        var then = pieces.Count > 1 ? pieces[1..] : null;
        return done ? StreamStep.Done(usage, pieces[0], then) : StreamStep.Forward(pieces[0], usage, then);
    }

    /// <summary>The role chunk of candidates whose first words are in this event: <c>role</c>, <c>content: ""</c>, <c>refusal: null</c>.</summary>
    private string Roles(List<GeminiCandidate> opening) =>
        chunks.Choices(opening, static (writer, candidates) =>
        {
            foreach (var candidate in candidates)
            {
                OpenAiChunkWriter.WriteChoice(writer, candidate.Index, 0, static (delta, _) =>
                {
                    delta.WriteString("role", "assistant");
                    delta.WriteString("content", "");
                    delta.WriteNull("refusal");
                }, finishReason: null);
            }
        });

    /// <summary>The chunk of what the candidates say in this event, finish reasons apart, as OpenAI sends them.</summary>
    private string Deltas(List<GeminiCandidate> candidates) =>
        chunks.Choices((translator: this, candidates), static (writer, chunk) =>
        {
            foreach (var candidate in chunk.candidates)
            {
                if (chunk.translator.Says(candidate))
                {
                    OpenAiChunkWriter.WriteChoice(writer, candidate.Index, (chunk.translator, candidate), static (delta, choice) =>
                        choice.translator.WriteDelta(delta, choice.candidate), finishReason: null);
                }
            }
        });

    /// <summary>
    /// The arguments of the calls whose headers the last chunk announced: Gemini sends a call whole, OpenAI streams its
    /// header (id, name, empty arguments) and then the arguments, so a client sees the same deltas from either.
    /// </summary>
    private string Arguments()
    {
        var chunk = chunks.Choices(arguments, static (writer, calls) =>
        {
            foreach (var candidate in calls.Select(c => c.Candidate).Distinct())
            {
                OpenAiChunkWriter.WriteChoice(writer, candidate, calls.Where(c => c.Candidate == candidate), static (delta, own) =>
                {
                    delta.WriteStartArray("tool_calls");
                    foreach (var (_, ordinal, text) in own)
                    {
                        delta.WriteStartObject();
                        delta.WriteNumber("index", ordinal);
                        delta.WriteStartObject("function");
                        delta.WriteString("arguments", text);
                        delta.WriteEndObject();
                        delta.WriteEndObject();
                    }

                    delta.WriteEndArray();
                }, finishReason: null);
            }
        });
        arguments.Clear();
        return chunk;
    }

    /// <summary>The chunk that finishes the candidates that finished in this event: an empty delta and the reason.</summary>
    private string Finishes(List<GeminiCandidate> candidates, string?[] finishes) =>
        chunks.Choices((candidates, finishes), static (writer, chunk) =>
        {
            for (var i = 0; i < chunk.candidates.Count; i++)
            {
                if (chunk.finishes[i] is { } finish)
                {
                    OpenAiChunkWriter.WriteChoice(writer, chunk.candidates[i].Index, 0, static (_, _) => { }, finish);
                }
            }
        });

    /// <summary>Whether a candidate has something new to say: not once it finished; its role first, then text or calls.</summary>
    private bool Says(GeminiCandidate candidate) =>
        !finished.Contains(candidate.Index)
        && (!started.Contains(candidate.Index) || candidate.Text is not null || candidate.Calls.Count > 0);

    /// <summary>
    /// A candidate's delta. Its first one is shaped as OpenAI's: <c>role</c>, <c>content</c> (<c>""</c> when there is
    /// no text yet, null before a tool call), the tool calls, <c>refusal: null</c>.
    /// </summary>
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
        else if (first && candidate.Calls.Count > 0)
        {
            writer.WriteNull("content");
        }
        else if (first)
        {
            writer.WriteString("content", "");
        }

        if (candidate.Calls.Count > 0)
        {
            var ordinal = callCounts.GetValueOrDefault(candidate.Index);
            writer.WriteStartArray("tool_calls");
            foreach (var functionCall in candidate.Calls)
            {
                arguments.Add((candidate.Index, ordinal, functionCall.Arguments));
                functionCall.WriteToolCall(writer, call.RequestId, candidate.Index, ordinal++, index: true, header: true);
            }

            writer.WriteEndArray();
            callCounts[candidate.Index] = ordinal;
        }

        if (first)
        {
            writer.WriteNull("refusal");
        }
    }

    private static OpenAiChunkWriter StartChunks(ProviderCall call, long created)
    {
        var chunks = new OpenAiChunkWriter(call.ClientIncludeUsage);
        chunks.Start(GeminiChatResponse.CompletionId(call.RequestId), created, call.Deployment.Model);
        return chunks;
    }

}
