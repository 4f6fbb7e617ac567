using System.Collections.Concurrent;

namespace AiMesh.Ingress.Relay;

/// <summary>The relays of the requests this process holds open, by request id.</summary>
internal sealed class ResponseRelays
{
    private readonly ConcurrentDictionary<Guid, ResponseRelay> _open = new();

    public int Count => _open.Count;

    public ResponseRelay Open(Guid requestId)
    {
        var relay = new ResponseRelay(requestId);
        _open[requestId] = relay;
        return relay;
    }

    public ResponseRelay? Find(Guid requestId) => _open.GetValueOrDefault(requestId);

    public void Close(Guid requestId) => _open.TryRemove(requestId, out _);
}
