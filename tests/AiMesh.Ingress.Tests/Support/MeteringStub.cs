using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Ingress.Tests.Support;

/// <summary>Stands in for metering on its queue: records every usage record, alone or batched.</summary>
internal sealed class MeteringStub(Neighbours neighbours) : IConsumer<RecordUsage>, IConsumer<RecordUsageBatch>
{
    public Task Consume(ConsumeContext<RecordUsage> context)
    {
        neighbours.Usage.Add(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<RecordUsageBatch> context)
    {
        foreach (var record in context.Message.Records)
        {
            neighbours.Usage.Add(record);
        }

        return Task.CompletedTask;
    }
}
