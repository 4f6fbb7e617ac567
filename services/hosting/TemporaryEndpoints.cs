using MassTransit;

namespace AiMesh.Hosting;

/// <summary>
/// The queue settings of a process's own endpoint (the ingress instance's), on each transport, applied both where
/// MassTransit declares the endpoint and where code builds an endpoint pipeline itself (the ingress's in-process saga
/// inbox), so both end up with the same address. Kept here so services stay transport-neutral.
/// <para>
/// Like MassTransit's temporary endpoints (not durable, gone a minute after its last consumer) but <b>not
/// auto-delete</b>: an auto-delete queue vanishes the moment a dropped connection takes its consumer, and every
/// answer sent to it until MassTransit reconnects and re-declares it is silently discarded, leaving that request to
/// wait for its deadline. With only the expiry, the queue outlives a reconnect and its messages wait for the consumer;
/// after the process is gone for good it still disappears within a minute.
/// </para>
/// </summary>
public static class TemporaryEndpoints
{
    public static void Apply(IReceiveEndpointConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        if (configurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.QueueExpiration = TimeSpan.FromMinutes(1);
            rabbit.AutoDelete = false;
            rabbit.Durable = false;
        }
    }
}
