using AiMesh.Contracts.Routing;

namespace AiMesh.Hosting.Streams;

/// <summary>
/// When the router and the ingress share a process (the embedded mesh), the ingress registers this so the router
/// hands chunks straight to the waiting exchange: no serialization, no transport, same order and same end signal.
/// </summary>
public interface ILocalChunkInbox
{
    /// <summary>True when <paramref name="streamAddress"/> is this process's ingress instance.</summary>
    bool Serves(Uri streamAddress);

    /// <summary>Hands over one chunk; a chunk of a request whose client left is dropped, as the bus consumer does.</summary>
    void Post(CompletionChunk chunk);
}
