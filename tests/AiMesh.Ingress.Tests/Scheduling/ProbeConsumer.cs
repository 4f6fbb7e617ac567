using AiMesh.Ingress.Tests.Support;
using MassTransit;

namespace AiMesh.Ingress.Tests.Scheduling;

/// <summary>Records every probe that arrives, with the header the scheduling pipe set.</summary>
internal sealed class ProbeConsumer(Received<(Probe Probe, string? Header)> received) : IConsumer<Probe>
{
    public const string Queue = "scheduling-probe";

    public Task Consume(ConsumeContext<Probe> context)
    {
        received.Add((context.Message, context.Headers.Get<string>("x-probe")));
        return Task.CompletedTask;
    }
}
