namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The distributed mesh with only the ingress reaching RabbitMQ through a <see cref="TcpProxy"/>: a test can drop the
/// ingress's connection while the other services, the router among them, carry on.
/// </summary>
public sealed class DistributedMeshIngressBehindProxy : DistributedMesh
{
    public TcpProxy IngressBroker { get; } = new(TestEnvironment.RabbitMq.Host, TestEnvironment.RabbitMq.Port);

    // OutagePatience is raised from 10 s: the cut lasts the provider's latency plus rabbitmqctl polls plus MassTransit's
    // reconnect back-off, which on a loaded machine came to more than 10 s; the ingress then rightly gave up with 503
    // (seen in CI). These tests are about the answer surviving the cut, not about how long the ingress waits for it.
    protected override IEnumerable<string> IngressArguments() =>
        ["--Bus:RabbitMq:Host=127.0.0.1", $"--Bus:RabbitMq:Port={IngressBroker.Port}", "--Ingress:OutagePatience=00:01:00"];

    protected override async Task CleanUpAsync()
    {
        await IngressBroker.DisposeAsync();
        await base.CleanUpAsync();
    }
}
