using System.Net.Http.Headers;
using System.Text;
using AiMesh.MockProvider;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Support;
using static AiMesh.Router.Tests.Providers.Anthropic.AnthropicCalls;

namespace AiMesh.Router.Tests.Providers.Anthropic;

/// <summary>
/// The same upstream bytes, split anywhere (inside a line ending, a JSON string, a UTF-8 sequence), must give the same
/// chunks: the SSE parser and the Anthropic translator together, as the transport runs them.
/// </summary>
public sealed class AnthropicChunkBoundaryTests
{
    private const string Question = """{"model":"claude-public","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

    public static TheoryData<string, bool> Streams => new()
    {
        { nameof(AnthropicStreams.Text), false },
        { nameof(AnthropicStreams.Text), true },
        { nameof(AnthropicStreams.ThinkingAndTools), false },
        { nameof(AnthropicStreams.ThinkingAndTools), true },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Every_split_point_gives_the_same_chunks(string name, bool crlf)
    {
        var events = name == nameof(AnthropicStreams.Text) ? AnthropicStreams.Text : AnthropicStreams.ThinkingAndTools;
        var sse = AnthropicStreams.Sse(events);
        var bytes = Encoding.UTF8.GetBytes(crlf ? sse.Replace("\n", "\r\n", StringComparison.Ordinal) : sse);
        var whole = Run([bytes]);
        Assert.Equal(StreamStepKind.Done, whole[^1].Kind);

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.True(whole.SequenceEqual(Run([bytes[..split], bytes[split..]])), $"Split at byte {split} gave different chunks.");
        }

        Assert.True(whole.SequenceEqual(Run(bytes.Select(b => new[] { b }).ToArray())), "Byte by byte gave different chunks.");
    }

    [Fact]
    public async Task The_mock_providers_own_stream_gives_the_same_chunks_split_anywhere()
    {
        await using var mock = await MockProviderServer.StartAsync(new MockProviderOptions { Tokens = 5 });
        using var http = new HttpClient { BaseAddress = mock.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = new StringContent(
                """
                {"model":"m","max_tokens":4096,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},
                 "tools":[{"name":"lookup","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"please use a tool"}]}
                """, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("x-api-key", "k");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        var whole = Run([bytes]);

        Assert.Equal(StreamStepKind.Done, whole[^1].Kind);
        Assert.Contains(whole, step => step.Chunks.Contains("\"tool_calls\"", StringComparison.Ordinal));
        Assert.Contains(whole, step => step.Chunks.Contains("\"thinking_blocks\"", StringComparison.Ordinal));
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.True(whole.SequenceEqual(Run([bytes[..split], bytes[split..]])), $"Split at byte {split} gave different chunks.");
        }
    }

    /// <summary>Feeds the pieces through one parser and one translator, as the transport does, to Done or Failed.</summary>
    private static List<(StreamStepKind Kind, string Chunks, AiMesh.Contracts.Routing.TokenUsage? Usage, string? Error)> Run(byte[][] pieces) =>
        [.. TranslatedStream.Steps(Adapter.CreateStreamTranslator(Call(Question, stream: true)), pieces).Select(TranslatedStream.Meaning)];
}
