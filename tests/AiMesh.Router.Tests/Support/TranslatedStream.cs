using AiMesh.Router.Providers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Support;

/// <summary>Runs upstream stream bytes through a decoder and a translator the way the transport does.</summary>
internal static class TranslatedStream
{
    /// <summary>The steps until the first Done or Failed (the transport stops there), for the bytes fed in the given pieces.</summary>
    public static List<StreamStep> Steps(IStreamTranslator translator, IEnumerable<byte[]> pieces, IStreamDecoder? decoder = null)
    {
        ArgumentNullException.ThrowIfNull(translator);
        ArgumentNullException.ThrowIfNull(pieces);
        decoder ??= new SseParser();
        var steps = new List<StreamStep>();
        var events = new List<SseEvent>();
        foreach (var piece in pieces)
        {
            events.Clear();
            decoder.Feed(piece, events);
            foreach (var sseEvent in events)
            {
                var step = translator.Translate(sseEvent);
                steps.Add(step);
                if (step.Kind is StreamStepKind.Done or StreamStepKind.Failed)
                {
                    return steps;
                }
            }
        }

        return steps;
    }

    /// <summary>The chunks the transport sends for <paramref name="steps"/>: each step's chunk, then those it says follow.</summary>
    public static List<string> Chunks(IEnumerable<StreamStep> steps) =>
        [.. steps.SelectMany(s => (s.Chunk is null ? [] : new[] { s.Chunk }).Concat(s.Then ?? []))];

    /// <summary>What a step means, comparable by value (its <see cref="StreamStep.Then"/> list is not).</summary>
    public static (StreamStepKind Kind, string Chunks, AiMesh.Contracts.Routing.TokenUsage? Usage, string? Error) Meaning(StreamStep step) =>
        (step.Kind, string.Join('\n', Chunks([step])), step.Usage, step.Error?.Message);
}
