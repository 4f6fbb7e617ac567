using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Ingress.Usage;

/// <summary>
/// Sends usage batches to metering's queue on the bus. The bus is resolved at the first send, not when this is built:
/// the saga's state machine needs the sender, and the bus needs the saga.
/// </summary>
internal sealed class BusUsageTransport(IServiceProvider services) : IUsageTransport
{
    public async Task SendAsync(RecordUsageBatch batch, CancellationToken cancellationToken)
    {
        var endpoint = await services.GetRequiredService<IBus>().GetSendEndpoint(Endpoints.MeteringAddress);
        await endpoint.Send(batch, cancellationToken);
    }
}
