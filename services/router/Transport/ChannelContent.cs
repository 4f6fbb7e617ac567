using System.Net;

namespace AiMesh.Router.Transport;

/// <summary>
/// A request body written while the request is in flight: HttpClient hands over the connection's stream when the
/// ingress has accepted the request (its 100 Continue), the sink writes frames into it, and the body ends (chunked
/// encoding's last chunk) when the sink says so.
/// </summary>
internal sealed class ChannelContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the body stream once the ingress accepted the request.</summary>
    public Task<Stream> Opened => _opened.Task;

    /// <summary>Ends the body; the request then completes with the ingress's answer.</summary>
    public void End() => _ended.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _opened.TrySetResult(stream);
        await _ended.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        _opened.TrySetCanceled();
        _ended.TrySetResult();
        base.Dispose(disposing);
    }
}
