using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Policy.Limits;

/// <summary>
/// Settlements share the policy queue with decisions: one queue per service, as the saga addresses it. A budget's
/// spend that cannot be written (the policy database slow or down) is retried a few times, then left in the error
/// queue with its fault, from where it can be moved back: spend is never dropped.
/// </summary>
internal sealed class SettleRequestConsumerDefinition : ConsumerDefinition<SettleRequestConsumer>
{
    public SettleRequestConsumerDefinition()
    {
        EndpointName = Endpoints.Policy;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SettleRequestConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        consumerConfigurator.UseMessageRetry(retry => retry.Intervals(200, 1000, 5000));
    }
}
