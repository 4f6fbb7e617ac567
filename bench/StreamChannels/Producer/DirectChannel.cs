using System.Net;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// The alternative: the router opens one HTTP/1.1 request per stream to the ingress that holds the client (its
/// address would come in <c>RouteCompletion</c> as the queue address does today) and pushes each chunk as it comes
/// in the chunked request body. The router is the client because it is the side that has the bytes and knows when
/// they start; the ingress already runs Kestrel. Connections are pooled and kept alive between streams.
/// </summary>
internal sealed class DirectChannel(HttpClient http) : IChunkChannel
{
    public string Name => "direct";

    public async Task SendAsync(Guid streamId, ChunkFeed feed, TimeSpan pace, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"direct/{streamId}", UriKind.Relative))
        {
            Content = new ChunkStreamContent(feed, pace),
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
