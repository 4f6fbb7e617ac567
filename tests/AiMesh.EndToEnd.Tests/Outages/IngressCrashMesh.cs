using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// The distributed mesh for killing the ingress: its broker connection goes through a <see cref="TcpProxy"/> the test
/// cuts; its usage records linger ten minutes (so the records of requests answered before the kill are still in its
/// memory when it dies); requests have a 15 s deadline and metering a 2 s grace after it, reconciling every second, so
/// the router's reports stand in for the lost records within the test.
/// </summary>
public sealed class IngressCrashMesh : DistributedMesh
{
    public TcpProxy IngressBroker { get; } = new(TestEnvironment.RabbitMq.Host, TestEnvironment.RabbitMq.Port);

    protected override IEnumerable<string> IngressArguments() =>
    [
        "--Bus:RabbitMq:Host=127.0.0.1",
        $"--Bus:RabbitMq:Port={IngressBroker.Port}",
        "--Ingress:UsageLinger=00:10:00",
        "--Ingress:RequestTimeout=00:00:15",
    ];

    protected override IEnumerable<string> MeteringArguments() =>
    [
        "--Metering:Reconcile:Interval=00:00:01",
        "--Metering:Reconcile:IngressGrace=00:00:02",
    ];

    protected override async Task CleanUpAsync()
    {
        await IngressBroker.DisposeAsync();
        await base.CleanUpAsync();
    }
}
