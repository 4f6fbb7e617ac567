using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Policy.Secrets;

/// <summary>On policy's queue beside the authorization requests. No retry: the router asks again on its own timer.</summary>
internal sealed class GetProviderCredentialsConsumerDefinition : ConsumerDefinition<GetProviderCredentialsConsumer>
{
    public GetProviderCredentialsConsumerDefinition()
    {
        EndpointName = Endpoints.Policy;
    }
}
