using MassTransit;

namespace AiMesh.Hosting;

/// <summary>
/// The queue settings of a process's own endpoint (the ingress instance's), on each transport, applied both where
/// MassTransit declares the endpoint and where code builds an endpoint pipeline itself (the ingress's in-process saga
/// inbox), so both end up with the same address. Kept here so services stay transport-neutral.
/// <para>
/// The queue must outlive a dropped connection, or every answer sent to it until MassTransit reconnects and
/// re-declares it is silently discarded and that request waits for its deadline. MassTransit's temporary endpoint
/// (non-durable, with an expiry) does not: MassTransit 8.4 declares any non-durable queue that has an expiry as
/// <b>exclusive</b> (<c>BrokerTopologyBuilder.QueueDeclare</c>: an <c>x-expires</c> argument turns auto-delete into
/// "exclusive unless durable"), and RabbitMQ deletes an exclusive queue with the connection that declared it. So the
/// queue is <b>durable</b>, the one setting that keeps it non-exclusive: it survives the connection (and a broker
/// restart) and its messages wait for the consumer, and the expiry (<c>x-expires</c>: so long without a consumer)
/// still removes it once the process is gone for good. The caller picks the expiry: long enough that every answer
/// that can still matter finds the queue after a reconnect.
/// </para>
/// <para>
/// The endpoint's exchange of the same name is declared <b>auto-delete</b> (MassTransit never makes the queue itself
/// auto-delete when it has an expiry): its only binding as a source is to this queue, so RabbitMQ deletes it when the
/// expired queue goes, and with it the bindings from the message-type exchanges. Nothing is left behind per process.
/// </para>
/// </summary>
public static class TemporaryEndpoints
{
    public static void Apply(IReceiveEndpointConfigurator configurator, TimeSpan expiry)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        if (configurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.QueueExpiration = expiry;
            rabbit.AutoDelete = true;
            rabbit.Durable = true;
        }
    }
}
