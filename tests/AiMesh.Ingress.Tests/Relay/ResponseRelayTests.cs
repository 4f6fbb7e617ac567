using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Saga;

namespace AiMesh.Ingress.Tests.Relay;

public sealed class ResponseRelayTests
{
    private static readonly TimeSpan LongGap = TimeSpan.FromSeconds(30);
    private static readonly Guid RequestId = Guid.NewGuid();

    [Fact]
    public async Task Chunks_in_order_then_the_answer()
    {
        var relay = new ResponseRelay(RequestId);
        for (var i = 0; i < 3; i++)
        {
            relay.Post(Chunk(i));
        }

        relay.Post(Answer(3));

        var (chunks, answer, incomplete) = await ReadToEndAsync(relay, LongGap);
        Assert.Equal(["c0", "c1", "c2"], chunks);
        Assert.Equal(3, answer.ChunkCount);
        Assert.False(incomplete);
    }

    [Fact]
    public async Task The_first_chunk_says_which_parameters_were_dropped_even_when_it_arrives_late()
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(1));
        relay.Post(new CompletionChunk(RequestId, 0, "c0", ["logprobs", "n"]));
        relay.Post(Answer(2));

        var first = await relay.ReadAsync(LongGap, CancellationToken.None);

        Assert.Equal("c0", first.Chunk);
        Assert.Equal(["logprobs", "n"], relay.DroppedParameters);
    }

    [Fact]
    public async Task An_answer_without_chunks_comes_back_at_once()
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Answer(0));

        var (chunks, answer, incomplete) = await ReadToEndAsync(relay, LongGap);

        Assert.Empty(chunks);
        Assert.Equal(RequestId, answer.RequestId);
        Assert.False(incomplete);
    }

    [Fact]
    public async Task Every_arrival_order_of_five_chunks_and_the_answer_is_relayed_in_sequence_with_the_answer_last()
    {
        var items = Enumerable.Range(0, 5).Select(i => (object)Chunk(i)).Append(Answer(5)).ToArray();
        var orders = 0;
        foreach (var order in Permutations(items))
        {
            var relay = new ResponseRelay(RequestId);
            foreach (var item in order)
            {
                Post(relay, item);
            }

            var (chunks, _, incomplete) = await ReadToEndAsync(relay, LongGap);
            var arrival = string.Join(",", order.Select(o => o is CompletionChunk c ? c.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : "answer"));
            Assert.True(chunks.SequenceEqual(["c0", "c1", "c2", "c3", "c4"]), $"arrival {arrival} gave {string.Join(",", chunks)}");
            Assert.False(incomplete, $"arrival {arrival} ended incomplete");
            orders++;
        }

        Assert.Equal(720, orders);
    }

    [Fact]
    public async Task Items_arriving_while_the_reader_waits_are_relayed_in_sequence()
    {
        // Every other permutation, posted one at a time from another thread while the reader is blocked.
        var items = Enumerable.Range(0, 5).Select(i => (object)Chunk(i)).Append(Answer(5)).ToArray();
        foreach (var order in Permutations(items).Where((_, i) => i % 7 == 0))
        {
            var relay = new ResponseRelay(RequestId);
            var reading = ReadToEndAsync(relay, LongGap);
            foreach (var item in order)
            {
                await Task.Yield();
                Post(relay, item);
            }

            var (chunks, _, incomplete) = await reading;
            Assert.Equal(["c0", "c1", "c2", "c3", "c4"], chunks);
            Assert.False(incomplete);
        }
    }

    [Fact]
    public async Task Duplicates_are_dropped_before_and_after_their_turn()
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(0));
        relay.Post(Chunk(2));
        relay.Post(Chunk(0));
        relay.Post(Chunk(2));
        relay.Post(Chunk(1));
        relay.Post(Chunk(1));
        relay.Post(Answer(3));
        relay.Post(Chunk(2));
        relay.Post(Chunk(0));

        var (chunks, _, incomplete) = await ReadToEndAsync(relay, LongGap);

        Assert.Equal(["c0", "c1", "c2"], chunks);
        Assert.False(incomplete);
    }

    [Fact]
    public async Task A_missing_chunk_ends_the_answer_as_incomplete_after_the_gap_timeout()
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(0));
        relay.Post(Chunk(2));
        relay.Post(Answer(3));

        var (chunks, answer, incomplete) = await ReadToEndAsync(relay, TimeSpan.FromMilliseconds(100));

        Assert.Equal(["c0"], chunks);
        Assert.True(incomplete);
        Assert.Equal(3, answer.ChunkCount);
    }

    [Fact]
    public async Task Without_an_answer_a_read_waits_until_the_caller_cancels_whatever_the_gap_timeout()
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(1));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => relay.ReadAsync(TimeSpan.FromMilliseconds(1), cancel.Token).AsTask());
    }

    [Fact]
    public async Task Reading_in_short_cancelled_slices_loses_nothing()
    {
        var relay = new ResponseRelay(RequestId);
        var items = new object[] { Chunk(1), Chunk(0), Answer(4), Chunk(3), Chunk(2) };
        var chunks = new List<string>();
        CompletionAnswered? answer = null;
        var next = 0;
        while (answer is null)
        {
            // One slice that finds nothing new and is cancelled, then one more item arrives.
            using (var slice = new CancellationTokenSource(TimeSpan.FromMilliseconds(20)))
            {
                try
                {
                    var item = await relay.ReadAsync(LongGap, slice.Token);
                    Collect(item, chunks, ref answer);
                    continue;
                }
                catch (OperationCanceledException) when (slice.IsCancellationRequested)
                {
                }
            }

            Post(relay, items[next++]);
        }

        Assert.Equal(["c0", "c1", "c2", "c3"], chunks);
        Assert.Equal(items.Length, next);
    }

    [Fact]
    public async Task The_gap_is_measured_from_the_answers_arrival_not_from_each_slice()
    {
        // Slices much shorter than the gap: if each read restarted the gap the stream would never end.
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(0));
        relay.Post(Answer(2));
        Assert.Equal("c0", (await relay.ReadAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None)).Chunk);

        var slices = 0;
        RelayItem? end = null;
        while (end is null)
        {
            Assert.True(slices < 1000, "the gap never ran out while reading in slices");
            using var slice = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
            try
            {
                end = await relay.ReadAsync(TimeSpan.FromMilliseconds(300), slice.Token);
            }
            catch (OperationCanceledException) when (slice.IsCancellationRequested)
            {
                slices++;
            }
        }

        Assert.True(end.Value.Incomplete);
        Assert.Equal(2, end.Value.Answer!.ChunkCount);
        Assert.True(slices > 0);
    }

    [Fact]
    public async Task A_chunk_already_delivered_is_relayed_even_when_the_reader_comes_back_after_the_gap()
    {
        // The reader is slow (a slow client), not the bus: chunk 3 arrives right after the answer, well within the
        // gap, but the reader only asks for it after the gap has run out. It was delivered, so it must be relayed.
        var gap = TimeSpan.FromMilliseconds(50);
        var relay = new ResponseRelay(RequestId);
        relay.Post(Chunk(0));
        relay.Post(Chunk(2));
        relay.Post(Answer(4));
        relay.Post(Chunk(1));
        Assert.Equal("c0", (await relay.ReadAsync(gap, CancellationToken.None)).Chunk);
        Assert.Equal("c1", (await relay.ReadAsync(gap, CancellationToken.None)).Chunk);
        relay.Post(Chunk(3));
        Assert.Equal("c2", (await relay.ReadAsync(gap, CancellationToken.None)).Chunk);

        await Task.Delay(gap * 4); // writing c2 to a slow client

        Assert.Equal("c3", (await relay.ReadAsync(gap, CancellationToken.None)).Chunk);
        var end = await relay.ReadAsync(gap, CancellationToken.None);
        Assert.False(end.Incomplete);
        Assert.NotNull(end.Answer);
    }

    [Fact]
    public async Task A_chunk_that_arrives_within_the_gap_completes_the_stream()
    {
        var relay = new ResponseRelay(RequestId);
        relay.Post(Answer(1));
        var reading = relay.ReadAsync(LongGap, CancellationToken.None).AsTask();
        await Task.Yield();
        relay.Post(Chunk(0));

        Assert.Equal("c0", (await reading).Chunk);
        var end = await relay.ReadAsync(LongGap, CancellationToken.None);
        Assert.False(end.Incomplete);
        Assert.NotNull(end.Answer);
    }

    private static CompletionChunk Chunk(int sequence) => new(RequestId, sequence, $"c{sequence}");

    private static CompletionAnswered Answer(int chunkCount) => new(RequestId, 200, null, chunkCount, null, "deployment", null);

    private static void Post(ResponseRelay relay, object item)
    {
        if (item is CompletionChunk chunk)
        {
            relay.Post(chunk);
        }
        else
        {
            relay.Post((CompletionAnswered)item);
        }
    }

    private static void Collect(RelayItem item, List<string> chunks, ref CompletionAnswered? answer)
    {
        if (item.Answer is { } a)
        {
            Assert.False(item.Incomplete);
            answer = a;
        }
        else
        {
            chunks.Add(item.Chunk!);
        }
    }

    private static async Task<(IReadOnlyList<string> Chunks, CompletionAnswered Answer, bool Incomplete)> ReadToEndAsync(ResponseRelay relay, TimeSpan gap)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var chunks = new List<string>();
        while (true)
        {
            var item = await relay.ReadAsync(gap, timeout.Token);
            if (item.Answer is { } answer)
            {
                return (chunks, answer, item.Incomplete);
            }

            chunks.Add(item.Chunk!);
        }
    }

    private static IEnumerable<object[]> Permutations(object[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
