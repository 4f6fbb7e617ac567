using MassTransit;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// A change that cannot be applied (the store did not answer) is retried briefly, then discarded rather than moved to
/// an error queue: the queue belongs to one replica and goes with it, and the periodic full reload
/// (<see cref="PromptCatalogRefresher"/>) applies the change anyway within <c>Prompts:ReloadInterval</c>.
/// </summary>
internal sealed class PromptChangedConsumerDefinition : ConsumerDefinition<PromptChangedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PromptChangedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 2000));
        endpointConfigurator.DiscardFaultedMessages();
    }
}
