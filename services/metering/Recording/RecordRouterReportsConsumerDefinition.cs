using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// The routers' reports on a durable queue of their own, <c>aimesh-metering-reports</c>: apart from the usage records,
/// so a backlog of reports (after a metering restart, say) never holds a usage record up behind it, and at most
/// <see cref="ConcurrentReports"/> report inserts run at once beside the usage writer. Retry and kill switch are the
/// usage endpoint's (<see cref="StoreReliability"/>): a store outage is waited out, a report that can never be stored
/// faults at once.
/// </summary>
internal sealed class RecordRouterReportsConsumerDefinition : ConsumerDefinition<RecordRouterReportsConsumer>
{
    /// <summary>Report messages handled at once per replica: each is one insert; they only need to keep up with the routers' lingers.</summary>
    public const int ConcurrentReports = 4;

    public RecordRouterReportsConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = Endpoints.MeteringReports;
            e.ConcurrentMessageLimit = ConcurrentReports;
        });
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RecordRouterReportsConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        StoreReliability.Configure(endpointConfigurator);
}
