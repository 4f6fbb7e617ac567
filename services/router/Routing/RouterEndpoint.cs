using AiMesh.Contracts;
using AiMesh.Router.Configuration;
using MassTransit;

namespace AiMesh.Router.Routing;

/// <summary>
/// The router's one queue, <see cref="Endpoints.Router"/>, which both <see cref="RouteCompletionConsumer"/> and
/// <see cref="ListModelsConsumer"/> listen on; both definitions configure it identically through here.
/// </summary>
internal static class RouterEndpoint
{
    public static void Configure(IEndpointRegistrationConfigurator endpoint, RouterOptions options)
    {
        endpoint.Name = Endpoints.Router;

        // A streamed call holds its message for the whole answer: the endpoint must admit as many as this
        // replica is meant to run at once, not the few a prefetch sized for short handlers allows. A request waiting
        // for capacity (Admission/) holds its message too; the replica's bound on waiters stays below this limit
        // (Router:Admission:MaxWaitingTotal, checked at start), so calls and other messages always find a slot.
        endpoint.PrefetchCount = options.MaxConcurrentCalls;
        endpoint.ConcurrentMessageLimit = options.MaxConcurrentCalls;
    }
}
