using System.Net;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The distributed mesh with the routers' stream channel to the ingress running through a <see cref="TcpProxy"/>: a
/// test sees whether chunks took the channel (the proxy accepted connections) and can break it or refuse it.
/// </summary>
public sealed class DistributedMeshWithChannelProxy : DistributedMesh
{
    public TcpProxy Channel { get; } = new();

    protected override IEnumerable<string> IngressArguments() => [$"--Ingress:StreamChannelUrl=http://127.0.0.1:{Channel.Port}/"];

    protected override void IngressStarted(Uri address) => Channel.Target = new IPEndPoint(IPAddress.Loopback, address.Port);

    protected override async Task CleanUpAsync()
    {
        await Channel.DisposeAsync();
        await base.CleanUpAsync();
    }
}
