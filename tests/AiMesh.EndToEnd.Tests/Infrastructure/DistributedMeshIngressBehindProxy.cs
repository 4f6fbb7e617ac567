namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The distributed mesh with only the ingress reaching RabbitMQ through a <see cref="TcpProxy"/>: a test can drop the
/// ingress's connection while the other services, the router among them, carry on.
/// </summary>
public sealed class DistributedMeshIngressBehindProxy : DistributedMesh
{
    public TcpProxy IngressBroker { get; } = new(TestEnvironment.RabbitMq.Host, TestEnvironment.RabbitMq.Port);

    protected override IEnumerable<string> IngressArguments() =>
        ["--Bus:RabbitMq:Host=127.0.0.1", $"--Bus:RabbitMq:Port={IngressBroker.Port}"];

    protected override async Task CleanUpAsync()
    {
        await IngressBroker.DisposeAsync();
        await base.CleanUpAsync();
    }
}
