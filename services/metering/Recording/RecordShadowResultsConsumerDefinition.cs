using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// The routers' shadow results on the reports' durable queue <c>aimesh-metering-reports</c>, beside the router reports
/// (MassTransit combines the two definitions into one endpoint): apart from the usage records, so a backlog never holds a
/// usage record up. The endpoint's retry and kill switch are configured once, by
/// <see cref="RecordRouterReportsConsumerDefinition"/> (<see cref="StoreReliability"/>), and cover every message on it;
/// configuring them here too would stack a second retry filter and kill switch on the same endpoint.
/// </summary>
internal sealed class RecordShadowResultsConsumerDefinition : ConsumerDefinition<RecordShadowResultsConsumer>
{
    public RecordShadowResultsConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = Endpoints.MeteringReports;
            e.ConcurrentMessageLimit = RecordRouterReportsConsumerDefinition.ConcurrentReports;
        });
    }
}
