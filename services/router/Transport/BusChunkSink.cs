using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Router.Transport;

/// <summary>
/// Sends each chunk as its own message to the ingress instance that holds the client. No batching: the client
/// sees a token as soon as the bus can carry it.
/// </summary>
internal sealed class BusChunkSink(ISendEndpoint endpoint) : IChunkSink
{
    public Task SendAsync(CompletionChunk chunk, CancellationToken cancellationToken) => endpoint.Send(chunk, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
