using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// The routers' reports share the usage queue <c>aimesh-metering</c> (durable; one queue for everything metering must
/// keep). Retry and kill switch are the endpoint's, configured once by <see cref="RecordUsageConsumerDefinition"/>:
/// a second retry filter here would nest inside it.
/// </summary>
internal sealed class RecordRouterReportsConsumerDefinition : ConsumerDefinition<RecordRouterReportsConsumer>
{
    public RecordRouterReportsConsumerDefinition()
    {
        Endpoint(e => e.Name = Endpoints.Metering);
    }
}
