using System.Diagnostics;
using AiMesh.Bench.StreamChannels.Wire;
using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// Today's path (services/router/Transport/BusChunkSink.cs): one <see cref="CompletionChunk"/> per chunk sent to the
/// ingress's temporary queue, each send awaited (the broker's publisher confirm) before the next.
/// </summary>
internal sealed class BusChannel(ISendEndpoint endpoint) : IChunkChannel
{
    public string Name => "bus";

    public async Task SendAsync(Guid streamId, ChunkFeed feed, TimeSpan pace, CancellationToken cancellationToken)
    {
        long previous = 0;
        for (var sequence = 0; sequence < feed.Count; sequence++)
        {
            await Pacer.WaitAsync(previous, pace, cancellationToken);
            var sent = Stopwatch.GetTimestamp();
            previous = sent;
            await endpoint.Send(new CompletionChunk(streamId, sequence, feed.Text(sequence)),
                context => context.Headers.Set(SentStamp.Header, sent), cancellationToken);
        }
    }
}
