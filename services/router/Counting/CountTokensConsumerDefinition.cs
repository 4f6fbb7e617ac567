using AiMesh.Router.Configuration;
using AiMesh.Router.Routing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Counting;

/// <summary>The router's queue (see <see cref="RouterEndpoint"/>); a count is read-only and answered at once, no retry.</summary>
internal sealed class CountTokensConsumerDefinition : ConsumerDefinition<CountTokensConsumer>
{
    public CountTokensConsumerDefinition(IOptions<RouterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Endpoint(e => RouterEndpoint.Configure(e, options.Value));
    }
}
