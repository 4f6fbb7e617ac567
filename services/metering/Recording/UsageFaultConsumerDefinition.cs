using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>A durable queue of its own, shared by metering's replicas: each fault is alerted once, also after a restart.</summary>
internal sealed class UsageFaultConsumerDefinition : ConsumerDefinition<UsageFaultConsumer>
{
    public UsageFaultConsumerDefinition()
    {
        Endpoint(e => e.Name = UsageFaultConsumer.EndpointName);
    }
}
