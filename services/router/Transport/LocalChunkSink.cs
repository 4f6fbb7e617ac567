using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Streams;

namespace AiMesh.Router.Transport;

/// <summary>The embedded mesh's path: the ingress shares this process, so a chunk is handed over as an object.</summary>
internal sealed class LocalChunkSink(ILocalChunkInbox inbox) : IChunkSink
{
    public Task SendAsync(CompletionChunk chunk, CancellationToken cancellationToken)
    {
        inbox.Post(chunk);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
