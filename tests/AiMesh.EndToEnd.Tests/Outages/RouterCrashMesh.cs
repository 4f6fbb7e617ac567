using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// The distributed mesh for killing a router replica: replica 0 reaches the broker through a <see cref="TcpProxy"/> the
/// test cuts (what the broker sees when the process dies); replica 1 goes on.
/// </summary>
public sealed class RouterCrashMesh : DistributedMesh
{
    public TcpProxy FirstRouterBroker { get; } = new(TestEnvironment.RabbitMq.Host, TestEnvironment.RabbitMq.Port);

    protected override IEnumerable<string> RouterArguments(int replica) => replica == 0
        ? ["--Bus:RabbitMq:Host=127.0.0.1", $"--Bus:RabbitMq:Port={FirstRouterBroker.Port}"]
        : [];

    protected override async Task CleanUpAsync()
    {
        await FirstRouterBroker.DisposeAsync();
        await base.CleanUpAsync();
    }
}
