using System.Text;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Providers.Anthropic;

namespace AiMesh.Router.Tests.Support;

/// <summary>
/// The chunk-boundary and robustness checks every SSE adapter's tests run, written once: the same bytes split at every
/// offset (and byte by byte) give the same steps; seeded mutations of each event never throw and never produce a chunk
/// that is not an OpenAI chunk object.
/// </summary>
internal static class StreamChecks
{
    /// <summary>Server-sent events from data lines, as providers frame them (optionally with CRLF line ends).</summary>
    public static byte[] Sse(IEnumerable<string> data, bool crlf = false)
    {
        var text = string.Concat(data.Select(d => $"data: {d}\n\n"));
        return Encoding.UTF8.GetBytes(crlf ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text);
    }

    public static void SameStepsAtEverySplit(Func<IStreamTranslator> translator, byte[] bytes)
    {
        // Compared by meaning: a step's Then list is compared by reference by the record's own equality.
        var steps = TranslatedStream.Steps(translator(), [bytes]);
        Assert.Equal(StreamStepKind.Done, steps[^1].Kind);
        var whole = steps.Select(TranslatedStream.Meaning).ToList();
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.True(whole.SequenceEqual(TranslatedStream.Steps(translator(), [bytes[..split], bytes[split..]]).Select(TranslatedStream.Meaning)),
                $"Split at byte {split} gave different steps.");
        }

        Assert.True(whole.SequenceEqual(TranslatedStream.Steps(translator(), bytes.Select(b => new[] { b }).ToArray()).Select(TranslatedStream.Meaning)),
            "Byte by byte gave different steps.");
    }

    /// <summary>Runs <paramref name="runs"/> streams of mutated events; returns how many ended Done.</summary>
    public static int MutatedStreamsNeverThrow(Func<IStreamTranslator> translator, IReadOnlyList<string> events, int seed, int runs = 600)
    {
        var mutator = new JsonMutator(seed);
        var done = 0;
        for (var run = 0; run < runs; run++)
        {
            var mutated = events.Select(e => e == "[DONE]" || mutator.Random.Next(3) != 0 ? e : mutator.Mutate(e)).ToList();
            var steps = TranslatedStream.Steps(translator(), [Sse(mutated)]);
            foreach (var step in steps.Where(s => s.Chunk is not null))
            {
                var node = System.Text.Json.Nodes.JsonNode.Parse(step.Chunk!);
                Assert.True(node is System.Text.Json.Nodes.JsonObject, $"Run {run}: a chunk that is not an object: {step.Chunk}");
            }

            Assert.All(steps.Where(s => s.Kind == StreamStepKind.Failed), s => Assert.NotNull(s.Error));
            done += steps.Count > 0 && steps[^1].Kind == StreamStepKind.Done ? 1 : 0;
        }

        return done;
    }
}
