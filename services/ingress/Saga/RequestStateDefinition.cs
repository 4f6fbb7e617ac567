using AiMesh.Hosting;
using AiMesh.Ingress.Instance;
using AiMesh.Ingress.Scheduling;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's endpoint is this ingress instance's own temporary queue (see <see cref="IngressInstance"/>). The
/// in-memory outbox holds every send and publish of a transition until the transition has completed, so an
/// answer or usage record never leaves for a state change that did not happen. No message retry: a transition
/// that throws would only throw again, and the client is waiting.
/// </summary>
internal sealed class RequestStateDefinition : SagaDefinition<RequestState>
{
    public RequestStateDefinition(IngressInstance instance, IOptions<IngressOptions> options)
    {
        Endpoint(e =>
        {
            e.Name = instance.EndpointName;
            e.Temporary = true;

            // After MassTransit's temporary-endpoint settings, before the address is taken: this queue must also
            // outlive a dropped connection (see TemporaryEndpoints).
            var expiry = options.Value.InstanceQueueExpiry;
            e.AddConfigureEndpointCallback(endpoint => TemporaryEndpoints.Apply(endpoint, expiry));
        });
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<RequestState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseFilter(new InProcessSchedulerFilter(context.GetRequiredService<InProcessScheduleMessageProvider>()));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
