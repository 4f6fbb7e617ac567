using AiMesh.Hosting;
using AiMesh.Ingress.Instance;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Relay;

/// <summary>Puts a relay consumer on this instance's own endpoint, beside the request sagas.</summary>
internal sealed class InstanceConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public InstanceConsumerDefinition(IngressInstance instance, IOptions<IngressOptions> options)
    {
        Endpoint(e =>
        {
            e.Name = instance.EndpointName;
            e.Temporary = true;
            var expiry = options.Value.InstanceQueueExpiry;
            e.AddConfigureEndpointCallback(endpoint => TemporaryEndpoints.Apply(endpoint, expiry));
        });
    }
}
