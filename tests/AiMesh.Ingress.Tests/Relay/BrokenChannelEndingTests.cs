using AiMesh.Contracts.Routing;
using AiMesh.Ingress.OpenAi;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Saga;

namespace AiMesh.Ingress.Tests.Relay;

/// <summary>
/// How a stream whose channel broke ends for the client, driven in each order the break can take. The router counts a
/// chunk once its socket took it, so the chunk written into the break is either refused (the router noticed first:
/// every counted chunk arrived) or taken and lost (counted, never delivered); and the router's answer reaches the relay
/// before or after the ingress's end of the channel noticed the break. The client's stream must end in the router's
/// <c>stream_relay_broken</c> every time, after the chunks that arrived, and without waiting the gap timeout.
/// </summary>
public sealed class BrokenChannelEndingTests
{
    private static readonly Guid RequestId = Guid.NewGuid();

    /// <summary>Long enough that a test which waited for it would be cancelled first.</summary>
    private static readonly TimeSpan LongGap = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(2)] // the router's write into the break failed: it counted what arrived
    [InlineData(3)] // the router's socket took chunk 2 and the break lost it: counted, never delivered
    public async Task A_failed_answer_ends_in_its_own_error_whether_or_not_every_chunk_it_counts_arrived(int counted)
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(0));
        relay.Post(Chunk(1));
        relay.Post(RelayBroken(counted));

        var (chunks, end) = await ReadToEndAsync(relay, TimeSpan.FromMilliseconds(50));

        Assert.Equal(["c0", "c1"], chunks);
        var error = CompletionExchange.EndingError(end);
        Assert.NotNull(error);
        Assert.Equal(502, error.Status);
        Assert.Equal("stream_relay_broken", error.Code);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(3, false)]
    [InlineData(2, true)]
    [InlineData(2, false)]
    public async Task A_closed_channel_ends_the_stream_without_waiting_for_counted_chunks_it_can_no_longer_bring(int counted, bool answerFirst)
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(0));
        relay.Post(Chunk(1));
        if (answerFirst)
        {
            relay.Post(RelayBroken(counted));
        }

        // The reader waits in the gap (or for the answer) when the other side's news arrives.
        var reading = ReadToEndAsync(relay, LongGap);
        await Task.Delay(50);
        relay.ChannelClosed();
        if (!answerFirst)
        {
            await Task.Delay(50);
            relay.Post(RelayBroken(counted));
        }

        var (chunks, end) = await reading;

        Assert.Equal(["c0", "c1"], chunks);
        Assert.Equal("stream_relay_broken", CompletionExchange.EndingError(end)?.Code);
    }

    [Fact]
    public async Task Chunks_the_channel_delivered_before_it_closed_are_all_relayed_even_when_they_came_out_of_order()
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(RelayBroken(4));
        relay.Post(Chunk(1));
        relay.Post(Chunk(0));
        relay.Post(Chunk(2));
        relay.ChannelClosed();

        var (chunks, end) = await ReadToEndAsync(relay, LongGap);

        Assert.Equal(["c0", "c1", "c2"], chunks);
        Assert.True(end.Incomplete);
    }

    [Fact]
    public async Task An_answer_saying_the_provider_finished_ends_in_stream_incomplete_only_when_a_counted_chunk_is_missing()
    {
        var whole = new ResponseRelay(RequestId);
        whole.Post(Chunk(0));
        whole.Post(Chunk(1));
        whole.Post(Finished(2));
        var missing = new ResponseRelay(RequestId);
        missing.Post(Chunk(0));
        missing.Post(Finished(2));

        var (_, wholeEnd) = await ReadToEndAsync(whole, TimeSpan.FromMilliseconds(50));
        var (_, missingEnd) = await ReadToEndAsync(missing, TimeSpan.FromMilliseconds(50));

        Assert.Null(CompletionExchange.EndingError(wholeEnd));
        var error = CompletionExchange.EndingError(missingEnd);
        Assert.NotNull(error);
        Assert.Equal(502, error.Status);
        Assert.Equal("stream_incomplete", error.Code);
    }

    private static CompletionChunk Chunk(int sequence) => new(RequestId, sequence, $"c{sequence}");

    /// <summary>The router's answer when the channel broke (its FailureMapper's RelayBroken), as the saga hands it over.</summary>
    private static CompletionAnswered RelayBroken(int chunkCount) => new(
        RequestId, 502, null, chunkCount,
        new AnswerError("api_error", "stream_relay_broken", "The gateway lost the stream between its router and its ingress; the answer is incomplete.", null, null),
        "deployment", null);

    private static CompletionAnswered Finished(int chunkCount) => new(RequestId, 200, null, chunkCount, null, "deployment", null);

    private static async Task<(IReadOnlyList<string> Chunks, RelayItem End)> ReadToEndAsync(ResponseRelay relay, TimeSpan gap)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var chunks = new List<string>();
        while (true)
        {
            var item = await relay.ReadAsync(gap, timeout.Token);
            if (item.Answer is not null)
            {
                return (chunks, item);
            }

            chunks.Add(item.Chunk!);
        }
    }
}
