using System.Globalization;
using System.Text;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// The chunks of one streamed answer as OpenAI sends them (<c>chat.completion.chunk</c>, one word each; the
/// first carries the role, the last the finish reason), built once: as text for the bus (what
/// <c>CompletionChunk.Data</c> holds) and as UTF-8 for the direct channel (what the router read off the provider).
/// </summary>
internal sealed class ChunkFeed
{
    private static readonly string[] Words =
    [
        "The", " mesh", " routes", " each", " request", " through", " policy,", " prompts", " and", " the",
        " router", " before", " a", " provider", " streams", " its", " answer", " back", " token", " by", " token.",
    ];

    private readonly string[] _texts;
    private readonly byte[][] _bytes;

    public ChunkFeed(int count)
    {
        _texts = new string[count];
        _bytes = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var delta = i == 0 ? """{"role":"assistant","content":""}"""
                : i == count - 1 ? "{}"
                : $$"""{"content":"{{Words[i % Words.Length]}}"}""";
            var finish = i == count - 1 && count > 1 ? "\"stop\"" : "null";
            _texts[i] = string.Create(CultureInfo.InvariantCulture,
                $$"""{"id":"chatcmpl-BenchStreamChannels0000000001","object":"chat.completion.chunk","created":1764000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0aa8d3e20b","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finish}}}]}""");
            _bytes[i] = Encoding.UTF8.GetBytes(_texts[i]);
        }

        MaxBytes = _bytes.Max(b => b.Length);
        MeanBytes = _bytes.Average(b => b.Length);
    }

    public int Count => _texts.Length;

    public int MaxBytes { get; }

    public double MeanBytes { get; }

    public string Text(int sequence) => _texts[sequence];

    public ReadOnlySpan<byte> Utf8(int sequence) => _bytes[sequence];
}
