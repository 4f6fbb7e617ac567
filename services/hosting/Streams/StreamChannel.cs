namespace AiMesh.Hosting.Streams;

/// <summary>
/// The direct channel for a streamed answer's chunks: the router POSTs them, framed by <see cref="ChunkFrames"/>, to
/// the ingress instance that holds the client, at the URL <c>RouteCompletion.StreamChannel</c> names. The bus keeps
/// everything else (the request, the final <c>CompletionRouted</c>/<c>CompletionFailed</c> with its chunk count,
/// abandonment). Why: docs/architecture.md, "How tokens travel".
/// </summary>
public static class StreamChannel
{
    /// <summary>The ingress route that takes a stream; the request id is the last segment.</summary>
    public const string PathPrefix = "/_mesh/streams/";

    /// <summary>Header carrying <see cref="StreamChannelKey.TokenFor"/>.</summary>
    public const string TokenHeader = "x-aimesh-stream-token";

    /// <summary>Header listing request fields the deployment sent without, comma-separated (the first chunk's warning).</summary>
    public const string DroppedHeader = "x-aimesh-dropped-params";

    /// <summary>The content type of a framed chunk stream.</summary>
    public const string ContentType = "application/vnd.aimesh.chunks";

    public static Uri UrlFor(Uri baseUrl, Guid requestId)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return new Uri(baseUrl, PathPrefix + requestId.ToString("N"));
    }
}
