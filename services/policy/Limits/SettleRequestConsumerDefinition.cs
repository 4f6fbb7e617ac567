using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Policy.Limits;

/// <summary>Settlements share the policy queue with decisions: one queue per service, as the saga addresses it.</summary>
internal sealed class SettleRequestConsumerDefinition : ConsumerDefinition<SettleRequestConsumer>
{
    public SettleRequestConsumerDefinition()
    {
        EndpointName = Endpoints.Policy;
    }
}
