namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>The distributed mesh with every host reaching RabbitMQ through a <see cref="TcpProxy"/> the test can cut.</summary>
public sealed class DistributedMeshBehindProxy : DistributedMesh
{
    public TcpProxy Broker { get; private set; } = null!;

    protected override (string Host, int Port) BrokerEndpoint(string host, int port)
    {
        Broker = new TcpProxy(host, port);
        return ("127.0.0.1", Broker.Port);
    }

    protected override async Task CleanUpAsync()
    {
        await Broker.DisposeAsync();
        await base.CleanUpAsync();
    }
}
