using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Transport;

/// <summary>Where the chunks of a streamed answer go, one at a time, as they arrive.</summary>
internal interface IChunkSink
{
    Task SendAsync(CompletionChunk chunk, CancellationToken cancellationToken);
}
