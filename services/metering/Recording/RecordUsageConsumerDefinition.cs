using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Where and how reliably usage is consumed: the only place that decides retries for metering.
/// <list type="bullet">
/// <item>Queue <c>aimesh-metering</c> on every transport.</item>
/// <item>A store that cannot be reached (<see cref="StoreOutage"/>: a blip, a failover, an outage) is waited out, the
/// message held unacknowledged and tried again (up to every 5 s) until the database is back: an outage never moves
/// usage to the error queue. Anything else (a record that can never be stored, <see cref="ArgumentException"/> from
/// validation; a statement the database refuses) is not retried: the message faults, MassTransit moves it to
/// <c>aimesh-metering_error</c> and publishes <c>Fault&lt;RecordUsage&gt;</c>. It is never acked away; replaying the
/// error queue is safe because the append is idempotent.</item>
/// <item>A kill switch (MassTransit core) for a database that answers but fails: once enough messages fault on database errors, it stops
/// the endpoint so the rest stay in the queue instead of draining into the error queue, and restarts it after
/// a pause, stopping again at the first database fault. Chosen over delayed redelivery, which needs a message
/// scheduler (a RabbitMQ plugin) we do not have. The price: messages already in flight when it trips end in the
/// error queue, to be moved back.</item>
/// </list>
/// </summary>
public sealed class RecordUsageConsumerDefinition : ConsumerDefinition<RecordUsageConsumer>
{
    public RecordUsageConsumerDefinition()
    {
        Endpoint(e => e.Name = Endpoints.Metering);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RecordUsageConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        StoreReliability.Configure(endpointConfigurator);
    }
}
