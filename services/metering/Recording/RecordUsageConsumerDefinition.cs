using System.Data.Common;
using AiMesh.Contracts;
using AiMesh.Metering.Storage;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Where and how reliably usage is consumed: the only place that decides retries for metering.
/// <list type="bullet">
/// <item>Queue <c>aimesh-metering</c> on every transport.</item>
/// <item>A few short exponential retries ride out a blip (a lock, a failover). A record that can never be stored
/// (<see cref="ArgumentException"/>, from validation) is not retried. When retries run out the message faults:
/// MassTransit moves it to <c>aimesh-metering_error</c> and publishes <c>Fault&lt;RecordUsage&gt;</c>. It is never
/// acked away; replaying the error queue is safe because the append is idempotent.</item>
/// <item>A kill switch (MassTransit core) for an outage: once enough messages fault on database errors, it stops
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
        // About 0.4 s, 0.6 s, 1 s, 1.8 s: under 4 s in all, so a message holds its slot only briefly.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Exponential(4, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(200));
            retry.Ignore<ArgumentException>();
        });

        // Trips when, after at least 10 messages in the last minute, 15% or more faulted on the store; only
        // database failures count, so a burst of malformed records cannot pause metering.
        endpointConfigurator.UseKillSwitch(killSwitch => killSwitch
            .SetActivationThreshold(10)
            .SetTripThreshold(15)
            .SetTrackingPeriod(TimeSpan.FromMinutes(1))
            .SetRestartTimeout(TimeSpan.FromSeconds(30))
            .SetExceptionFilter(filter =>
            {
                filter.Handle<DbException>();
                filter.Handle<DbUpdateException>();
                filter.Handle<MeteringStoreUnavailableException>();
                filter.Handle<TimeoutException>();
            }));
    }
}
