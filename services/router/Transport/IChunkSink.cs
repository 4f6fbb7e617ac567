using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Transport;

/// <summary>
/// Where the chunks of a streamed answer go, one at a time, as they arrive. Disposing finishes the stream: it
/// returns once the receiver has every chunk sent (or the sink has given up and said so in the log), so the final
/// answer, which goes by bus, never overtakes its chunks.
/// </summary>
internal interface IChunkSink : IAsyncDisposable
{
    /// <exception cref="ChunkSinkException">The chunk could not be delivered; the stream cannot go on.</exception>
    Task SendAsync(CompletionChunk chunk, CancellationToken cancellationToken);
}
