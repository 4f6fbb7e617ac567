using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Streams;
using AiMesh.Ingress.Instance;

namespace AiMesh.Ingress.Relay;

/// <summary>The embedded mesh's chunk path: a router in this process hands chunks straight to the relay.</summary>
internal sealed class LocalChunkInbox(IngressInstance instance, ResponseRelays relays) : ILocalChunkInbox
{
    public bool Serves(Uri streamAddress) => instance.Address is { } own && own == streamAddress;

    public void Post(CompletionChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        relays.Find(chunk.RequestId)?.Post(chunk);
    }
}
