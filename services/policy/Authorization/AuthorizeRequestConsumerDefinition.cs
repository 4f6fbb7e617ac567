using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Policy.Authorization;

/// <summary>
/// Decisions come from memory and cannot fail transiently, so there is no retry here: a fault goes straight back
/// to the saga as <c>Fault&lt;AuthorizeRequest&gt;</c>, which answers the client at once.
/// </summary>
internal sealed class AuthorizeRequestConsumerDefinition : ConsumerDefinition<AuthorizeRequestConsumer>
{
    public AuthorizeRequestConsumerDefinition()
    {
        EndpointName = Endpoints.Policy;
    }
}
