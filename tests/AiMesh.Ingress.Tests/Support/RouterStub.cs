using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Ingress.Tests.Support;

/// <summary>Stands in for the router service on its queue.</summary>
internal sealed class RouterStub(Neighbours neighbours) : IConsumer<RouteCompletion>
{
    public Task Consume(ConsumeContext<RouteCompletion> context)
    {
        neighbours.Routes.Add(context.Message);
        return neighbours.Router(context);
    }
}
