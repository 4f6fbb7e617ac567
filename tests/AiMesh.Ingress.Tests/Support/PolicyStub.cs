using AiMesh.Contracts.Policy;
using MassTransit;

namespace AiMesh.Ingress.Tests.Support;

/// <summary>Stands in for the policy service on its queue.</summary>
internal sealed class PolicyStub(Neighbours neighbours) : IConsumer<AuthorizeRequest>
{
    public Task Consume(ConsumeContext<AuthorizeRequest> context)
    {
        neighbours.Authorizations.Add(context.Message);
        return neighbours.Policy(context);
    }
}
