using MassTransit;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>Puts the consumer on this process's temporary endpoint, as InstanceConsumerDefinition does in the ingress.</summary>
internal sealed class ChunkConsumerDefinition : ConsumerDefinition<ChunkConsumer>
{
    public ChunkConsumerDefinition(ConsumerEndpoint endpoint)
    {
        Endpoint(e =>
        {
            e.Name = endpoint.Name;
            e.Temporary = true;
        });
    }
}
