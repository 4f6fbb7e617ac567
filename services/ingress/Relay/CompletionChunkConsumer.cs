using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Ingress.Relay;

/// <summary>Hands streamed chunks to the waiting HTTP exchange; chunks of a request whose client left are dropped.</summary>
internal sealed class CompletionChunkConsumer(ResponseRelays relays) : IConsumer<CompletionChunk>
{
    public Task Consume(ConsumeContext<CompletionChunk> context)
    {
        relays.Find(context.Message.RequestId)?.Post(context.Message);
        return Task.CompletedTask;
    }
}
