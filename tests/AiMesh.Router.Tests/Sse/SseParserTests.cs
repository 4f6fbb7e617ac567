using System.Text;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Sse;

public sealed class SseParserTests
{
    // Every feature at once: all three line endings, comments, event/id/retry fields, multi-line data,
    // an empty data line, a field without colon, a value without the optional space, non-ASCII text, a BOM.
    private const string Stream =
        "\uFEFF: a comment first\r\n" +
        "data: {\"a\":1}\n\n" +
        "event: delta\r\nid: 7\r\ndata: line one\r\ndata: line two\r\n\r\n" +
        "data:no-space\r\rretry: 1000\ndata\n\n" +
        ": keep-alive\n\n" +
        "data: héllo wörld ✓ 日本\n\n" +
        "id\ndata: after id reset\n\n" +
        "event: only-event\n\n" +
        "data: [DONE]\n\n" +
        "data: never dispatched, no blank line";

    private static readonly SseEvent[] Expected =
    [
        new("message", "{\"a\":1}"),
        new("delta", "line one\nline two", "7"),
        new("message", "no-space", "7"),
        new("message", "", "7"),
        new("message", "héllo wörld ✓ 日本", "7"),
        new("message", "after id reset", ""),
        new("message", "[DONE]", ""),
    ];

    [Fact]
    public void Parses_a_stream_fed_at_once()
    {
        Assert.Equal(Expected, Parse([Encoding.UTF8.GetBytes(Stream)]));
    }

    [Fact]
    public void Gives_identical_events_when_the_stream_is_split_at_every_byte_boundary()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var events = Parse([bytes[..split], bytes[split..]]);
            Assert.True(Expected.SequenceEqual(events), $"Split at byte {split} gave different events.");
        }
    }

    [Fact]
    public void Gives_identical_events_when_fed_one_byte_at_a_time()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        Assert.Equal(Expected, Parse(bytes.Select(b => new[] { b }).ToArray()));
    }

    [Fact]
    public void Gives_identical_events_when_split_at_every_pair_of_boundaries()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second++)
            {
                var events = Parse([bytes[..first], bytes[first..second], bytes[second..]]);
                Assert.True(Expected.SequenceEqual(events), $"Splits at {first} and {second} gave different events.");
            }
        }
    }

    [Theory]
    [InlineData("data: x\r\n\r\n")]
    [InlineData("data: x\n\n")]
    [InlineData("data: x\r\r")]
    [InlineData("data: x\r\n\n")]
    [InlineData("data: x\n\r")]
    public void Accepts_every_line_ending(string stream)
    {
        Assert.Equal([new SseEvent("message", "x")], Parse([Encoding.UTF8.GetBytes(stream)]));
    }

    [Fact]
    public void A_carriage_return_then_line_feed_across_buffers_is_one_line_ending()
    {
        // Had the \n after a buffer-final \r been taken for a second line ending, it would dispatch early.
        var events = Parse([Encoding.UTF8.GetBytes("data: a\r"), Encoding.UTF8.GetBytes("\ndata: b\r\n\r\n")]);
        Assert.Equal([new SseEvent("message", "a\nb")], events);
    }

    [Fact]
    public void An_event_cut_before_its_blank_line_is_never_dispatched()
    {
        Assert.Empty(Parse([Encoding.UTF8.GetBytes("data: {\"choices\":[]}\n")]));
    }

    [Fact]
    public void An_event_larger_than_the_limit_is_refused()
    {
        var parser = new SseParser(maxEventBytes: 64);
        var events = new List<SseEvent>();
        var oversized = Encoding.UTF8.GetBytes("data: " + new string('x', 40) + "\ndata: " + new string('y', 40) + "\n\n");
        Assert.Throws<InvalidDataException>(() => parser.Feed(oversized, events));
        Assert.Empty(events);
    }

    [Fact]
    public void A_lone_line_longer_than_the_limit_is_refused_before_it_ends()
    {
        var parser = new SseParser(maxEventBytes: 64);
        var events = new List<SseEvent>();
        parser.Feed(Encoding.UTF8.GetBytes("data: " + new string('x', 50)), events);
        Assert.Throws<InvalidDataException>(() => parser.Feed(Encoding.UTF8.GetBytes(new string('x', 20)), events));
    }

    private static List<SseEvent> Parse(byte[][] pieces)
    {
        var parser = new SseParser();
        var events = new List<SseEvent>();
        foreach (var piece in pieces)
        {
            parser.Feed(piece, events);
        }

        return events;
    }
}
