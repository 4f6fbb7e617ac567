using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Streams;
using MassTransit;

namespace AiMesh.Router.Transport;

/// <summary>
/// Chooses how a streamed answer's chunks travel, best first: handed over in process when the ingress shares this
/// process (the embedded mesh); the direct HTTP channel when the request names one and this router holds the channel
/// key; else the bus. Every choice carries the same chunks in the same order; the final answer always goes by bus.
/// </summary>
internal sealed class ChunkSinks(
    IHttpClientFactory clients, StreamChannelKey key, ILogger<ChunkSinks> logger, ILocalChunkInbox? local = null)
{
    /// <summary>The client name of the pooled connections to ingress instances.</summary>
    public const string HttpClientName = "aimesh-stream-channel";

    public async Task<IChunkSink> OpenAsync(RouteCompletion request, ISendEndpointProvider sendEndpoints)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sendEndpoints);
        if (!request.Stream || request.StreamAddress is not { } address)
        {
            return NoChunkSink.Instance;
        }

        if (local is not null && local.Serves(address))
        {
            return new LocalChunkSink(local);
        }

        async Task<IChunkSink> Bus() => new BusChunkSink(await sendEndpoints.GetSendEndpoint(address));
        if (request.StreamChannel is { Scheme: "http" or "https" } url && key.IsAvailable)
        {
            return new ChannelChunkSink(request.RequestId, clients.CreateClient(HttpClientName), url, key.TokenFor(request.RequestId), Bus, logger);
        }

        return await Bus();
    }
}
