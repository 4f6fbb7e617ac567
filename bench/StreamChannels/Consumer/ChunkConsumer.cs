using System.Diagnostics;
using AiMesh.Bench.StreamChannels.Wire;
using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>
/// Where the ingress's CompletionChunkConsumer hands a chunk to its relay, this one stamps its receipt: the chunk
/// has arrived, been deserialized and reached application code.
/// </summary>
internal sealed class ChunkConsumer(PhaseBoard phases) : IConsumer<CompletionChunk>
{
    public Task Consume(ConsumeContext<CompletionChunk> context)
    {
        var received = Stopwatch.GetTimestamp();
        var sent = context.Headers.Get<long>(SentStamp.Header) ?? 0;
        phases.Record(context.Message.RequestId, context.Message.Sequence, sent, received);
        return Task.CompletedTask;
    }
}
