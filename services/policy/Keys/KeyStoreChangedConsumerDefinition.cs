using MassTransit;

namespace AiMesh.Policy.Keys;

/// <summary>
/// A change event that cannot be applied (the store did not answer) is retried briefly, then discarded rather than
/// moved to an error queue: the queue belongs to one replica and goes with it, so an error queue would outlive it
/// with nobody to read it, and the periodic full reload (<see cref="KeyCacheRefresher"/>) applies the change anyway
/// within <see cref="PolicyOptions.KeyReloadInterval"/>. Each failure is logged by MassTransit with its exception.
/// </summary>
internal sealed class KeyStoreChangedConsumerDefinition : ConsumerDefinition<KeyStoreChangedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<KeyStoreChangedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 2000));
        endpointConfigurator.DiscardFaultedMessages();
    }
}
