using AiMesh.Router.Configuration;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Routing;

/// <summary>The router's queue (see <see cref="RouterEndpoint"/>), without message retry.</summary>
internal sealed class RouteCompletionConsumerDefinition : ConsumerDefinition<RouteCompletionConsumer>
{
    public RouteCompletionConsumerDefinition(IOptions<RouterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Endpoint(e => RouterEndpoint.Configure(e, options.Value));
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RouteCompletionConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // No redelivery of a provider call, ever, from the bus. A call is not idempotent: it is billed, and its
        // chunks may already be on the client's screen, so running it again would charge twice and duplicate
        // text. Provider failures are answered as CompletionFailed, not thrown; the one place that will decide
        // retries is the resilience pipeline on the provider HttpClient (issue 6), where it knows whether
        // anything was sent yet. Stated explicitly so that a bus-wide retry policy cannot creep in here.
        consumerConfigurator.UseMessageRetry(r => r.None());
    }
}
