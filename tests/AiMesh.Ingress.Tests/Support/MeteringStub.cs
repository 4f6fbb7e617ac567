using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Ingress.Tests.Support;

/// <summary>Stands in for metering on its queue: records every usage record.</summary>
internal sealed class MeteringStub(Neighbours neighbours) : IConsumer<RecordUsage>
{
    public Task Consume(ConsumeContext<RecordUsage> context)
    {
        neighbours.Usage.Add(context.Message);
        return Task.CompletedTask;
    }
}
