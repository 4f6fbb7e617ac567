using AiMesh.Router.Configuration;
using AiMesh.Router.Routing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Health;

/// <summary>The router's queue (see <see cref="RouterEndpoint"/>); a read-only answer needs no retry.</summary>
internal sealed class ListDeploymentHealthConsumerDefinition : ConsumerDefinition<ListDeploymentHealthConsumer>
{
    public ListDeploymentHealthConsumerDefinition(IOptions<RouterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Endpoint(e => RouterEndpoint.Configure(e, options.Value));
    }
}
