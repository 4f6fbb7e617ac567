using AiMesh.Router.Configuration;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Routing;

/// <summary>The router's queue (see <see cref="RouterEndpoint"/>); listing is read-only and needs no retry.</summary>
internal sealed class ListModelsConsumerDefinition : ConsumerDefinition<ListModelsConsumer>
{
    public ListModelsConsumerDefinition(IOptions<RouterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Endpoint(e => RouterEndpoint.Configure(e, options.Value));
    }
}
